"""Exact and near-duplicate articles: MinHash over word 3-shingles of the clean body,
datasketch LSH to find candidates, and every copy linked to the earliest one.

"Earliest" is the earliest publication date; documents without one come after dated
ones, in ingestion order. Nothing is dropped: duplicates are stored with ``duplicate_of``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 3) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one


def signature(text: str, num_perm: int = 128) -> MinHash:
    m = MinHash(num_perm=num_perm, scheme=SCHEME)
    sh = shingles(text)
    if sh:
        m.update_batch(list(sh))
    return m


def to_bytes(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes, num_perm: int = 128) -> MinHash:
    return MinHash(num_perm=num_perm, hashvalues=np.frombuffer(data, dtype=np.uint64).copy(), scheme=SCHEME)


@dataclass
class _Known:
    seq: int
    published: str | None
    duplicate_of: str | None
    minhash: MinHash


class DuplicateIndex:
    """In-memory LSH over the store's signatures, updated as new documents arrive."""

    def __init__(self, threshold: float = 0.5, num_perm: int = 128) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.known: dict[str, _Known] = {}

    def load(self, rows: object) -> None:
        for doc_id, seq, published, duplicate_of, raw in rows:  # type: ignore[attr-defined]
            if not raw:
                continue
            m = from_bytes(raw, self.num_perm)
            self.known[doc_id] = _Known(seq, published, duplicate_of, m)
            self.lsh.insert(doc_id, m)

    def _order(self, doc_id: str) -> tuple[int, str, int]:
        k = self.known[doc_id]
        return (0, k.published, k.seq) if k.published else (1, "", k.seq)

    def add(self, doc_id: str, seq: int, published: str | None, m: MinHash) -> dict[str, tuple[str | None, float | None]]:
        """Add a document; return the links to write: id -> (duplicate_of, similarity)."""
        if doc_id in self.known:
            return {}
        matches = {c: m.jaccard(self.known[c].minhash) for c in self.lsh.query(m)}
        matches = {c: s for c, s in matches.items() if s >= self.threshold}
        self.known[doc_id] = _Known(seq, published, None, m)
        self.lsh.insert(doc_id, m)
        if not matches:
            return {}
        group = {doc_id, *matches}
        for c in list(matches):
            root = self.known[c].duplicate_of
            if root:
                group.add(root)
        roots = {g for g in group if self.known[g].duplicate_of is None} | {doc_id}
        group |= {d for d, k in self.known.items() if k.duplicate_of in roots}
        original = min(group, key=self._order)
        links: dict[str, tuple[str | None, float | None]] = {}
        for g in group:
            target = None if g == original else original
            if self.known[g].duplicate_of != target or g == doc_id:
                sim = None if target is None else round(self.known[g].minhash.jaccard(self.known[original].minhash), 3)
                self.known[g].duplicate_of = target
                links[g] = (target, sim)
        return links
