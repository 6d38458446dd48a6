"""The name resolver kept in the store, rebuilt only around the names that changed.

:class:`~.entities.Resolver` compares names that share something: a vote key (type votes
add up per key), a family name (people group by it), an organisation key (organisations
group by it, a longer key that begins with it is part of it, a long name whose core ends
with it is it), a one-word first name (it joins the one full name it begins) or a family
name behind a particle. Each counted name is stored with those keys (``story_graph``: its
own keys, and the keys it looks for), so the names a change can reach are the connected set
of the changed names in that graph (:func:`closure`). The resolver is rebuilt from that set's
counts alone, in the order of a full build, and its answers (``story_map``) and entities
(``story_entities``) replace the set's old ones: the same answers as a resolver built from
every name (tests/test_story_materialized.py builds both on invented names).
:class:`StoredResolver` answers from the stored map.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select

from ..extract.lexicon import Lexicon
from ..extract.mentions import clean_name, fold, name_key, name_of, org_core, org_key, person_key
from ..store.schema import story_counts, story_entities, story_got, story_graph, story_map
from .entities import EntityRecord, Resolver, family_particles

_CHUNK = 500


def chunks(items: Iterable[Any]) -> Iterable[list[Any]]:
    """Sorted items, a statement's worth at a time (the parameter limits of SQLite and PostgreSQL)."""
    items = sorted(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def by_kind(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(kind, value) pairs as the values of each kind (one statement per kind and chunk)."""
    out: dict[str, list[str]] = {}
    for kind, value in pairs:
        out.setdefault(kind, []).append(value)
    return out


# ---- the keys a name shares with the names it can depend on --------------------------------
def name_keys(name: str, lex: Lexicon) -> tuple[set[str], set[str]]:
    """(own keys, keys looked for) of a name, whatever type it is given later."""
    pk, f, ok = person_key(name), fold(name), org_key(name, lex)
    own = {"nk:" + name_key(name, lex), "pk:" + pk, "f:" + f}
    probes: set[str] = set()
    if ok:
        own.add("ok:" + ok)
        probes |= {"ok:" + ok[:i] for i in range(3, len(ok))}  # the organisation it may be part of
    words = name.split()
    if len(words) == 1:
        own |= {"fw:" + f, "fw:" + pk, "pe:" + pk}  # a first name or a family name alone
        probes.add("pk:" + f)
    else:
        probes.add("fw:" + fold(words[0]))
        probes |= {"pe:" + pk[len(p):] for p in family_particles(lex) if pk.startswith(p) and len(pk) - len(p) >= 4}
    core = org_core(name, lex)
    if core != name:  # a long name: the organisations its core begins or ends with
        cw = core.split()
        for i in range(1, len(cw)):
            for part in (cw[i:], cw[:i]):
                k = org_key(" ".join(part), lex)
                if k:
                    probes.add("ok:" + k)
    return own, probes - own


def add_names(conn: Connection, raws: Iterable[str], lex: Lexicon) -> None:
    """Record the name of each counted text not yet known, and the keys of each new name."""
    raws = set(raws)
    known: set[str] = set()
    for chunk in chunks(raws):
        known |= set(conn.scalars(select(story_got.c.raw).where(story_got.c.raw.in_(chunk))))
    new = {r: (name_of(r, lex) or (None,))[0] for r in raws - known}
    rows = [{"raw": r, "got": g} for r, g in sorted(new.items())]
    for chunk in chunks(range(len(rows))):
        conn.execute(insert(story_got), [rows[i] for i in chunk])
    gots = {g for g in new.values() if g}
    have: set[str] = set()
    for chunk in chunks(gots):
        have |= set(conn.scalars(select(story_graph.c.node).where(story_graph.c.node.in_(chunk)).distinct()))
    edges = []
    for g in sorted(gots - have):
        own, probes = name_keys(g, lex)
        edges += [{"node": g, "key": k, "probe": 0} for k in sorted(own)]
        edges += [{"node": g, "key": k, "probe": 1} for k in sorted(probes)]
    for chunk in chunks(range(len(edges))):
        conn.execute(insert(story_graph), [edges[i] for i in chunk])


def nodes_of(conn: Connection, raws: Iterable[str] = (), votes: Iterable[str] = ()) -> set[str]:
    """The names counted texts stand for, and the names that vote under given keys."""
    out: set[str] = set()
    for chunk in chunks(set(raws)):
        out |= {g for g in conn.scalars(select(story_got.c.got).where(story_got.c.raw.in_(chunk))) if g}
    for chunk in chunks({"nk:" + v for v in votes}):
        out |= set(conn.scalars(select(story_graph.c.node).where(story_graph.c.key.in_(chunk),
                                                                  story_graph.c.probe == 0)))
    return out


def closure(conn: Connection, seeds: Iterable[str]) -> set[str]:
    """Every name the resolver may read differently when the seeds' counts change."""
    done: set[str] = set()
    todo = set(seeds)
    while todo:
        done |= todo
        own: set[str] = set()
        probes: set[str] = set()
        for chunk in chunks(todo):
            for k, p in conn.execute(select(story_graph.c.key, story_graph.c.probe).where(story_graph.c.node.in_(chunk))):
                (probes if p else own).add(k)
        found: set[str] = set()
        for chunk in chunks(own | probes):  # names that own a key we own or look for
            found |= set(conn.scalars(select(story_graph.c.node).where(story_graph.c.key.in_(chunk),
                                                                       story_graph.c.probe == 0)))
        for chunk in chunks(own):  # names that look for a key we own
            found |= set(conn.scalars(select(story_graph.c.node).where(story_graph.c.key.in_(chunk),
                                                                       story_graph.c.probe == 1)))
        todo = found - done
    return done


# ---- the resolver of a set of names, and its answers ---------------------------------------
def resolver_of(conn: Connection, nodes: set[str] | None, lex: Lexicon) -> Resolver:
    """The resolver of the counts of ``nodes`` (None: every count), in a full build's order."""
    cols = (story_counts.c.kind, story_counts.c.name, story_counts.c.label, story_counts.c.n, story_counts.c.m,
            story_counts.c.first)
    if nodes is None:
        rows = list(conn.execute(select(*cols)))
    else:
        raws: set[str] = set()
        for chunk in chunks(nodes):
            raws |= set(conn.scalars(select(story_got.c.raw).where(story_got.c.got.in_(chunk))))
        rows = []
        for kind in ("mention", "fact"):  # (the primary key's order: kind, then name)
            for chunk in chunks(raws):
                rows += conn.execute(select(*cols).where(story_counts.c.kind == kind,
                                                         story_counts.c.name.in_(chunk))).all()
        keys = {name_key(n, lex) for n in nodes}
        for chunk in chunks(keys):
            rows += conn.execute(select(*cols).where(story_counts.c.kind == "vote", story_counts.c.name.in_(chunk))).all()
    rows = sorted(set(rows), key=lambda r: (r[5], r[0], r[1], r[2]))
    mentions = [(n, lab, int(c)) for k, n, lab, c, _m, _f in rows if k == "mention"]
    fact_names = [(n, lab, int(c)) for k, n, lab, c, _m, _f in rows if k == "fact"]
    prior = {n: (float(p), float(o)) for k, n, _lab, p, o, _f in rows if k == "vote"}
    return Resolver(mentions, fact_names, None, lex, prior=prior)


def answers(r: Resolver) -> dict[tuple[str, str], str]:
    """(kind, key) -> canonical name: every answer the resolver gives without searching."""
    return {**r._map, **r.fallbacks()}


def _answer_keys(nodes: Iterable[str], lex: Lexicon) -> set[tuple[str, str]]:
    out = set()
    for n in nodes:
        f = fold(n)
        out |= {("person", f), ("organisation", f), ("unit", f), ("pk", person_key(n)), ("ok", org_key(n, lex))}
    return out


def _read_answers(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    out = {}
    for kind, ks in by_kind(keys).items():
        for chunk in chunks(set(ks)):
            for k, canon in conn.execute(select(story_map.c.key, story_map.c.canon)
                                         .where(story_map.c.kind == kind, story_map.c.key.in_(chunk))):
                out[(kind, k)] = canon
    return out


def save(conn: Connection, nodes: set[str] | None, r: Resolver) -> set[tuple[str, str]]:
    """Store the answers and entities of the resolver of ``nodes`` (None: of every name) in
    place of the old ones; returns the (kind, key) whose answer changed."""
    new = answers(r)
    if nodes is None:
        old = {(k, key): c for k, key, c in conn.execute(select(story_map.c.kind, story_map.c.key, story_map.c.canon))}
        conn.execute(delete(story_map))
        conn.execute(delete(story_entities))
    else:
        # (every answer of these names is keyed by one of them; the new keys too, to be safe)
        old = _read_answers(conn, _answer_keys(nodes, r.lex) | new.keys())
        for kind, ks in by_kind(old).items():
            for chunk in chunks(ks):
                conn.execute(delete(story_map).where(and_(story_map.c.kind == kind, story_map.c.key.in_(chunk))))
        for chunk in chunks(nodes):
            conn.execute(delete(story_entities).where(story_entities.c.name.in_(chunk)))
    rows = [{"kind": k, "key": key, "canon": c} for (k, key), c in sorted(new.items())]
    for chunk in chunks(range(len(rows))):
        conn.execute(insert(story_map), [rows[i] for i in chunk])
    ents = [{"name": e.name, "kind": e.kind, "aliases": json.dumps(dict(e.aliases), ensure_ascii=False),
             "part_of": e.part_of} for e in r.entities.values()]
    for chunk in chunks(range(len(ents))):
        conn.execute(insert(story_entities), [ents[i] for i in chunk])
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


# ---- answering from the store ----------------------------------------------------------------
def lookup_keys(kind: str, raw: str, lex: Lexicon) -> list[tuple[str, str]]:
    """The stored answers the resolution of a name written in a fact reads ("p": as a
    person; "o": as an organisation and its unit)."""
    c = clean_name(raw, lex)
    if kind == "p":
        return [("person", fold(c)), ("pk", person_key(c))]
    out = [("unit", fold(c))]
    for n in {c, clean_name(c, lex)}:
        out += [("organisation", fold(n)), ("ok", org_key(n, lex))]
    return out


class StoredResolver:
    """The answers of :class:`~.entities.Resolver`, read from the store (one connection, or
    a read transaction of the store per lookup)."""

    def __init__(self, lex: Lexicon, conn: Connection | None = None, store: Any = None) -> None:
        self.lex = lex
        self._conn = conn
        self._store = store
        self._answers: dict[tuple[str, str], str | None] = {}
        self._memo: dict[tuple[str, str], str | None] = {}
        self._entities: dict[str, EntityRecord] | None = None

    def _fetch(self, keys: Iterable[tuple[str, str]]) -> None:
        want = {k for k in keys if k not in self._answers}
        if not want:
            return
        if self._conn is not None:
            got = _read_answers(self._conn, want)
        else:
            with self._store._read("reading the story") as conn:
                got = _read_answers(conn, want)
        for k in want:
            self._answers[k] = got.get(k)

    def prefetch(self, names: Iterable[tuple[str, str]]) -> None:
        """Read at once the answers for these (kind "p"|"o", name) pairs."""
        self._fetch(k for kind, raw in names for k in lookup_keys(kind, raw, self.lex))

    def _first(self, keys: list[tuple[str, str]]) -> str | None:
        self._fetch(keys)
        return next((self._answers[k] for k in keys if self._answers[k]), None)

    def _cached(self, kind: str, name: str, find: Any) -> str | None:
        key = (kind, name)
        if key not in self._memo:
            self._memo[key] = find(name)
        return self._memo[key]

    def person(self, name: str | None) -> str | None:
        return self._cached("person", name, self._person) if name else None

    def org(self, name: str | None) -> str | None:
        return self._cached("organisation", name, self._org) if name else None

    def unit(self, name: str | None) -> str | None:
        return self._cached("unit", name, self._unit) if name else None

    def _person(self, name: str) -> str | None:
        n = clean_name(name, self.lex)
        return self._first([("person", fold(n)), ("pk", person_key(n))]) or n

    def _org(self, name: str) -> str | None:
        n = clean_name(name, self.lex)
        return self._first([("organisation", fold(n)), ("ok", org_key(n, self.lex))]) or n

    def _unit(self, name: str) -> str | None:
        n = clean_name(name, self.lex)
        return self._first([("unit", fold(n))]) or self.org(n)

    def same_org(self, a: str | None, b: str | None) -> bool:
        return bool(a and b) and self.org(a) == self.org(b)

    @property
    def entities(self) -> dict[str, EntityRecord]:
        if self._entities is None:
            def read(conn: Connection) -> dict[str, EntityRecord]:
                return {n: EntityRecord(n, kind, Counter(json.loads(al)), part_of) for n, kind, al, part_of in
                        conn.execute(select(story_entities.c.name, story_entities.c.kind, story_entities.c.aliases,
                                            story_entities.c.part_of))}
            if self._conn is not None:
                self._entities = read(self._conn)
            else:
                with self._store._read("reading the story") as conn:
                    self._entities = read(conn)
        return self._entities

    def listing(self) -> list[EntityRecord]:
        return sorted(self.entities.values(), key=lambda r: (-sum(r.aliases.values()), r.name))


__all__ = ["StoredResolver", "add_names", "answers", "by_kind", "chunks", "closure", "lookup_keys", "name_keys", "nodes_of",
           "resolver_of", "save"]
