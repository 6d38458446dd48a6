"""The settle pass is cut so that every worker of the executor shares it."""

from __future__ import annotations

from filrouge.config import Settings
from filrouge.pipeline import IngestRun


class _Store:
    def name_votes(self):
        return {}

    def vote_rows(self):
        return []

    def analyses(self, ids):
        return [(i, "", None, (), ()) for i in sorted(ids)]

    def replace_facts(self, doc_id, facts, votes):
        return True


class _Executor:
    def __init__(self, workers):
        self.workers = workers
        self.sizes = []

    def refresh(self, chunks, base, final):
        for c in chunks:
            self.sizes.append(len(c))
            yield []


def _settle(n_docs, workers, batch_size=32):
    ex = _Executor(workers)
    run = IngestRun(Settings(batch_size=batch_size), _Store(), executor=ex)
    # each article took a name as known that the final votes do not know: all are stale
    doubtful = {f"d{i:03d}": (frozenset({"k"}), frozenset({"k"})) for i in range(n_docs)}
    run.settle({}, doubtful, set(doubtful))
    return ex.sizes


def test_few_articles_are_split_among_workers():
    assert _settle(15, 2) == [8, 7]
    assert _settle(15, 1) == [15]
    assert _settle(3, 8) == [1, 1, 1]


def test_chunks_stay_within_the_batch_size():
    assert _settle(100, 2, batch_size=32) == [32, 32, 32, 4]
