"""Executors: where the worker stage (:class:`filrouge.pipeline.Worker`) runs.

The driver (:class:`filrouge.pipeline.IngestRun`) hands an executor a stream of
:class:`RawBatch` records and gets :class:`AnalysedBatch` records back **in input order**;
after the last batch it hands it the stored articles to read again (the settle pass). The
stages are the same whatever the executor; only where they run changes:

* :class:`InProcessExecutor` -- in the driver's process (``--workers 1``; tests, small runs);
* :class:`ProcessExecutor` -- N local processes (``--workers N``, ``forkserver``), each
  loading the spaCy model once; at most ``2 N`` batches in flight, so memory stays flat;
* :class:`RayExecutor` -- Ray Data ``map_batches`` over an actor pool (``--executor ray``),
  each actor loading the model once; on a laptop (a local Ray) or a cluster (``--ray-address``).

Every executor sends each batch with the votes known when it is sent (the speculative prior,
see ``pipeline``); the result does not depend on it, only the settle pass's work does.
"""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..pipeline import Worker
from .base import Executor, default_workers
from .local import InProcessExecutor, ProcessExecutor
from .ray_data import RAY_MISSING, RayExecutor, require_ray

__all__ = ["RAY_MISSING", "Executor", "InProcessExecutor", "ProcessExecutor", "RayExecutor", "default_workers",
           "make_executor", "require_ray"]


def make_executor(settings: Settings, *, executor: str = "local", workers: int | None = None,
                  ray_address: str | None = None, components: Any = None) -> Executor:
    """The executor the CLI's options name. ``workers`` 1 (local) runs in this process."""
    if executor == "ray":
        return RayExecutor(settings, workers, ray_address)
    if executor != "local":
        raise ConfigError(f"unknown executor {executor!r} (local or ray)")
    if ray_address:
        raise ConfigError("--ray-address needs --executor ray")
    n = default_workers() if workers is None else workers
    if n < 1:
        raise ConfigError("--workers must be at least 1")
    if n == 1:
        return InProcessExecutor(Worker(settings, components))
    return ProcessExecutor(settings, n)
