"""What an executor is: the protocol the driver uses, and the cores this machine offers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from ..extract.mentions import Votes
from ..pipeline import AnalysedBatch, RawBatch, Refreshed, StoredAnalysis

class Executor(Protocol):
    workers: int  # how many batches it analyses at once (the settle pass is cut to share them)

    def analyse(self, batches: Iterable[RawBatch], base: Votes,
                prior: Callable[[], Votes]) -> Iterator[AnalysedBatch]: ...

    def refresh(self, chunks: Iterable[list[StoredAnalysis]], base: Votes,
                final: Votes) -> Iterator[list[Refreshed]]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")


def one_thread_per_worker() -> None:
    """One core per worker: no BLAS/OpenMP thread pools, nor lingua's Rayon pool, fighting over
    the cores. Read when a process loads numpy and lingua, so set before; a value the user set
    is kept."""
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")

