"""Duplicate links that stay right when several runs write one store.

Each run finds near-duplicates with its own in-memory index, loaded from the store when the
run starts (:meth:`Store.signatures`). Documents another run commits afterwards are unknown
to that index, so its links can miss a copy, or name as original a document the store has
since linked to an earlier copy. Inside each batch's write transaction (under the write
lock) :class:`Links` therefore

* fetches the documents committed by others since it last looked (``seq`` above what this
  run has seen) into a small LSH index of its own ("foreign" documents);
* takes the run's links and the new documents' matches among foreign ones as merges: a
  document, its target, the original the store had for either, and any foreign match
  belong to one group;
* rewrites each group as the store holds it: every member points to the group's earliest
  copy (earliest publication date, then ``seq``), exactly the rule of
  :class:`filrouge.dedup.minhash.DuplicateIndex`.

With one writer nothing is foreign and the run's links are written as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from .schema import documents

Link = tuple[str | None, float | None]


def _order(published: str | None, seq: int) -> tuple[int, str, int]:
    return (0, published, seq) if published else (1, "", seq)


class Links:
    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self.seen: int | None = None  # highest seq this run's index knows or has fetched
        self._lsh: Any = None  # datasketch MinHashLSH over foreign documents, made when needed
        self._perm = 0
        self._foreign: dict[str, Any] = {}
        self.changed: set[str] = set()  # documents whose link was written (the story redoes them)

    def start(self, seen: int) -> None:
        """The run's index holds every document up to ``seen`` (Store.signatures)."""
        self.seen = seen
        self._lsh, self._foreign = None, {}

    def catch_up(self, conn: Connection) -> None:
        """Fetch documents other runs committed since we last looked (call under the lock,
        before this batch takes its sequence numbers)."""
        if self.seen is None:  # links were not made from Store.signatures: trust what is stored
            self.seen = conn.execute(select(func.coalesce(func.max(documents.c.seq), 0))).scalar_one()
            return
        rows = conn.execute(select(documents.c.id, documents.c.seq, documents.c.minhash)
                            .where(documents.c.seq > self.seen).order_by(documents.c.seq)).all()
        for doc_id, seq, raw in rows:
            self.seen = max(self.seen, seq)
            if raw:
                self._add(doc_id, raw)

    def _add(self, doc_id: str, raw: bytes) -> None:
        from datasketch import MinHashLSH

        perm = len(raw) // 8
        if self._lsh is None:
            self._lsh, self._perm = MinHashLSH(threshold=self.threshold, num_perm=perm), perm
        if perm != self._perm or doc_id in self._foreign:
            return
        m = from_bytes(raw, perm)
        self._foreign[doc_id] = m
        self._lsh.insert(doc_id, m)

    def foreign_matches(self, raw: bytes) -> list[str]:
        if self._lsh is None or not raw or len(raw) // 8 != self._perm:
            return []
        m = from_bytes(raw, self._perm)
        return [c for c in self._lsh.query(m) if m.jaccard(self._foreign[c]) >= self.threshold]

    def wrote(self, seq: int) -> None:
        """This run's batch ends at ``seq``; everything below it is known."""
        self.seen = seq if self.seen is None else max(self.seen, seq)

    # ---- the write --------------------------------------------------------------------
    def apply(self, conn: Connection, links: dict[str, Link], new: dict[str, bytes]) -> None:
        """Write the run's ``links`` and settle every group they or the ``new`` documents'
        foreign matches touch."""
        merges: list[set[str]] = []
        for doc_id, raw in new.items():
            found = self.foreign_matches(raw)
            if found:
                merges.append({doc_id, *found})
        if not links and not merges:
            return
        named = set(links) | {t for t, _s in links.values() if t}
        before = self._pointers(conn, named)  # the originals the store had, before this batch
        for doc_id, (target, _sim) in links.items():
            group = {doc_id} | ({target} if target else set())
            group |= {before[d] for d in group if before.get(d)}
            merges.append(group)
        for doc_id, (target, sim) in links.items():
            conn.execute(update(documents).where(documents.c.id == doc_id)
                         .values(duplicate_of=target, similarity=sim))
            self.changed.add(doc_id)
        for group in merge_overlapping(merges):
            self._settle(conn, group, links)

    @staticmethod
    def _pointers(conn: Connection, ids: set[str]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        items = list(ids)
        for i in range(0, len(items), 500):
            q = select(documents.c.id, documents.c.duplicate_of).where(documents.c.id.in_(items[i:i + 500]))
            out.update({r[0]: r[1] for r in conn.execute(q)})
        return out

    def _settle(self, conn: Connection, seeds: set[str], links: dict[str, Link]) -> None:
        """Every member of the group holding ``seeds`` points to its earliest copy."""
        members: dict[str, tuple[str | None, int, str | None]] = {}  # id -> (published, seq, duplicate_of)
        asked: set[str] = set()
        todo = set(seeds)
        while todo:  # the connected part of the link graph: pointers both ways
            ids = list(todo)
            asked |= todo
            rows = conn.execute(select(documents.c.id, documents.c.published, documents.c.seq,
                                       documents.c.duplicate_of)
                                .where(or_(documents.c.id.in_(ids), documents.c.duplicate_of.in_(ids)))).all()
            for doc_id, published, seq, dup in rows:
                members[doc_id] = (published, seq, dup)
            todo = ({r[0] for r in rows} | {r[3] for r in rows if r[3]}) - asked
        if len(members) < 2:
            return
        original = min(members, key=lambda d: _order(members[d][0], members[d][1]))
        wrong = {d: (None if d == original else original) for d, (_p, _s, dup) in members.items()
                 if dup != (None if d == original else original)}
        if not wrong:
            return
        hashes = dict(conn.execute(select(documents.c.id, documents.c.minhash)
                                   .where(documents.c.id.in_([*wrong, original]))).all())
        for doc_id, target in wrong.items():
            given = links.get(doc_id)
            if given is not None and given[0] == target:
                sim = given[1]
            elif target is None:
                sim = None
            else:
                sim = _similarity(hashes.get(doc_id), hashes.get(target))
            conn.execute(update(documents).where(documents.c.id == doc_id)
                         .values(duplicate_of=target, similarity=sim))
            self.changed.add(doc_id)


def from_bytes(raw: bytes, perm: int) -> Any:
    """A stored MinHash signature (datasketch is imported when first needed: readers of the
    store never load it)."""
    from ..dedup.minhash import from_bytes as load

    return load(raw, perm)


def _similarity(a: bytes | None, b: bytes | None) -> float | None:
    if not a or not b or len(a) != len(b):
        return None
    perm = len(a) // 8
    return round(from_bytes(a, perm).jaccard(from_bytes(b, perm)), 3)


def merge_overlapping(groups: list[set[str]]) -> list[set[str]]:
    """Merge overlapping sets (union-find): the connected sets of their members."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g in groups:
        items = list(g)
        for other in items[1:]:
            parent[find(other)] = find(items[0])
        if items:
            find(items[0])
    out: dict[str, set[str]] = {}
    for x in parent:
        out.setdefault(find(x), set()).add(x)
    return list(out.values())
