"""The local executors: in the driver's process, or in N local processes."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..extract.mentions import Votes
from ..pipeline import AnalysedBatch, RawBatch, Refreshed, StoredAnalysis, Worker
from .base import one_thread_per_worker


class InProcessExecutor:
    """The worker stage in the driver's own process, one batch after the other."""

    workers = 1

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def analyse(self, batches: Iterable[RawBatch], base: Votes,
                prior: Callable[[], Votes]) -> Iterator[AnalysedBatch]:
        for b in batches:
            yield self.worker.analyse(b, base, prior())

    def refresh(self, chunks: Iterable[list[StoredAnalysis]], base: Votes,
                final: Votes) -> Iterator[list[Refreshed]]:
        for c in chunks:
            yield self.worker.refresh(c, base, final)

    def close(self) -> None:
        pass


# ---- local processes -------------------------------------------------------------------

# imported once by the forkserver, before it forks the workers: each worker no longer spends
# ~3 s of CPU importing them (spaCy's French tokenizer exceptions alone take 2 s)
_PRELOAD = ["filrouge.pipeline", "spacy.lang.fr"]
_PROCESS_WORKER: Worker | None = None  # one per pool process, set by its initializer


def _init_process(settings: Settings) -> None:
    global _PROCESS_WORKER
    _PROCESS_WORKER = Worker(settings)


def _process_analyse(batch: RawBatch, base: Votes, prior: Votes) -> AnalysedBatch:
    assert _PROCESS_WORKER is not None
    return _PROCESS_WORKER.analyse(batch, base, prior)


def _process_refresh(chunk: list[StoredAnalysis], base: Votes, final: Votes) -> list[Refreshed]:
    assert _PROCESS_WORKER is not None
    return _PROCESS_WORKER.refresh(chunk, base, final)


def _ordered(tasks: Iterable[Any], submit: Callable[[Any], Future[Any]], window: int) -> Iterator[Any]:
    """Results of ``submit(task)`` in task order, with at most ``window`` tasks in flight."""
    pending: deque[Future[Any]] = deque()
    it = iter(tasks)
    try:
        for task in it:
            pending.append(submit(task))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


class ProcessExecutor:
    """The worker stage in ``workers`` local processes (started with ``forkserver``, so
    no state of the driver is inherited); started on first use."""

    def __init__(self, settings: Settings, workers: int, start_method: str = "forkserver") -> None:
        if workers < 1:
            raise ConfigError("--workers must be at least 1")
        self.settings = settings
        self.workers = workers
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            one_thread_per_worker()  # inherited by the worker processes
            ctx = multiprocessing.get_context(self.start_method)
            if self.start_method == "forkserver":
                ctx.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_process,
                                             initargs=(self.settings,))
        return self._pool

    def analyse(self, batches: Iterable[RawBatch], base: Votes,
                prior: Callable[[], Votes]) -> Iterator[AnalysedBatch]:
        pool = self.pool
        yield from _ordered(batches, lambda b: pool.submit(_process_analyse, b, base, prior()), 2 * self.workers)

    def refresh(self, chunks: Iterable[list[StoredAnalysis]], base: Votes,
                final: Votes) -> Iterator[list[Refreshed]]:
        pool = self.pool
        yield from _ordered(chunks, lambda c: pool.submit(_process_refresh, c, base, final), 2 * self.workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
