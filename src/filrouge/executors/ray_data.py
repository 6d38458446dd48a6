"""The Ray executor: the worker stage as Ray Data tasks over an actor pool."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..config import Settings
from ..errors import ConfigError, DependencyError
from ..extract.mentions import Votes
from ..pipeline import Analysed, AnalysedBatch, RawBatch, Refreshed, StoredAnalysis, Worker, add_votes, chunks
from .base import one_thread_per_worker

RAY_MISSING = "ray is not installed: pip install 'filrouge[ray]'"


# ---- Ray ---------------------------------------------------------------------------------

def require_ray() -> Any:
    """The ``ray`` module, or a DependencyError with the install hint."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise DependencyError(RAY_MISSING) from None
    return ray


class _AnalyseActor:
    """A Ray Data actor: one Worker (spaCy loaded once) for every batch it is given. The
    votes known so far are read from the driver's board before each batch."""

    def __init__(self, settings: Settings, base: Votes, board: Any) -> None:
        one_thread_per_worker()  # Ray sets OMP_NUM_THREADS for an actor, not lingua's pool
        self.worker = Worker(settings)
        self.base = base
        self.board = board

    def __call__(self, table: Any) -> Any:
        import pyarrow as pa
        import ray

        out = []
        for task in table.column("task").to_pylist():
            prior = ray.get(self.board.get.remote())
            out.append(pickle.dumps(self.worker.analyse(pickle.loads(task), self.base, prior)))
        return pa.table({"i": table.column("i"), "out": pa.array(out, pa.binary())})


class _RefreshActor:
    def __init__(self, settings: Settings, base: Votes, final: Votes) -> None:
        self.worker = Worker(settings)
        self.base = base
        self.final = final

    def __call__(self, table: Any) -> Any:
        import pyarrow as pa

        out = [pickle.dumps(self.worker.refresh(pickle.loads(t), self.base, self.final))
               for t in table.column("task").to_pylist()]
        return pa.table({"i": table.column("i"), "out": pa.array(out, pa.binary())})


class _Board:
    """The run's votes known so far, kept by the driver, read by the actors (a Ray actor)."""

    def __init__(self, votes: Votes) -> None:
        self.votes = dict(votes)

    def add(self, delta: Votes) -> None:
        add_votes(self.votes, delta)

    def get(self) -> Votes:
        return self.votes


class RayExecutor:
    """The worker stage as Ray Data tasks: ``map_batches`` over an actor pool of
    ``workers`` actors (default: the cluster's CPUs), one raw batch per call, results in
    input order. Batches go to Ray in windows of ``window`` (bounded driver memory); each
    window is one Ray Dataset, so the actors load the model once per window."""

    def __init__(self, settings: Settings, workers: int | None = None, address: str | None = None,
                 window: int = 256, local_refresh: int = 2) -> None:
        self.ray = require_ray()
        self.settings = settings
        self.window = window
        self.local_refresh = local_refresh  # settle passes of at most this many batches run in the driver
        self._local: Worker | None = None
        self._started = False
        if not self.ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address:
                kwargs["address"] = address
            elif workers:
                kwargs["num_cpus"] = workers
            try:
                self.ray.init(**kwargs)
            except Exception as exc:  # ray raises many kinds (ConnectionError, RuntimeError...)
                raise ConfigError(f"cannot start or reach Ray{f' at {address}' if address else ''}: "
                                  f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
            self._started = True
        self.workers = workers or max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        ctx = self.ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False

    def _map(self, tasks: list[Any], actor: type, kwargs: dict[str, Any]) -> Iterator[Any]:
        data = self.ray.data
        ds = data.from_items([{"i": i, "task": pickle.dumps(t)} for i, t in enumerate(tasks)],
                             override_num_blocks=len(tasks))
        # enable_true_multi_threading: the actor's calls run on its main thread. By default Ray
        # Data runs them on a thread of its own, whose allocations glibc serves from a second
        # arena that runtime.py's settings do not tune: each batch took 11 % more CPU than in
        # a local worker (2.5 % more with this). One call at a time per actor all the same.
        out = ds.map_batches(actor, fn_constructor_kwargs=kwargs, batch_size=1, batch_format="pyarrow",
                             compute=data.ActorPoolStrategy(size=min(self.workers, len(tasks)),
                                                             max_tasks_in_flight_per_actor=1,
                                                             enable_true_multi_threading=True), num_cpus=1)
        got: dict[int, Any] = {}
        want = 0
        # whole blocks as they come (one result each), no prefetching: iter_rows held each
        # result back until the next one was ready
        for block in out.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=0):
            for i, res in zip(block.column("i").to_pylist(), block.column("out").to_pylist(), strict=True):
                got[i] = pickle.loads(res)
            while want in got:
                yield got.pop(want)
                want += 1

    def analyse(self, batches: Iterable[RawBatch], base: Votes,
                prior: Callable[[], Votes]) -> Iterator[AnalysedBatch]:
        board = self.ray.remote(num_cpus=0)(_Board).remote(prior())
        try:
            for window in chunks(batches, self.window):
                for result in self._map(window, _AnalyseActor,
                                        {"settings": self.settings, "base": base, "board": board}):
                    delta: Votes = {}
                    for item in result.items:
                        if isinstance(item, Analysed):
                            add_votes(delta, item.base_votes)
                    board.add.remote(delta)
                    yield result
        finally:
            self.ray.kill(board)

    def refresh(self, todo: Iterable[list[StoredAnalysis]], base: Votes,
                final: Votes) -> Iterator[list[Refreshed]]:
        for window in chunks(todo, self.window):
            if len(window) <= self.local_refresh:
                # a few articles to read again (the usual settle pass): read here, with the same
                # stage; a new actor pool would take longer to start than the work itself
                if self._local is None:
                    self._local = Worker(self.settings)  # the extractor only: no spaCy model
                for chunk in window:
                    yield self._local.refresh(chunk, base, final)
                continue
            yield from self._map(window, _RefreshActor, {"settings": self.settings, "base": base, "final": final})

    def close(self) -> None:
        if self._started:
            self.ray.shutdown()
            self._started = False
