"""What an executor is: the protocol the driver uses, and the cores this machine offers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from ..extract.mentions import Votes
from ..pipeline import AnalysedBatch, RawBatch, Refreshed, StoredAnalysis

class Executor(Protocol):
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
