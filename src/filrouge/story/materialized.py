"""The story kept in the store and brought up to date for what changed, not rebuilt per query.

Facts link people and organisations (a fact's person, organisation, unit, stake holder,
investor, replaced person); every rule of :class:`~.build.Story` compares facts that share
one of them (events group by person and organisation, role terms by organisation and
person, conflicts by organisation or person), so the story of the store is the union of
the stories of its *parts*: the connected sets of entities that facts link (facts naming
nobody, and number facts with no organisation, share the part ``-``). Each part's events,
role intervals and conflicts are stored as JSON (``story_parts``) with the entities it
holds (``story_nodes``), and sort keys that give the order of a full build; its events are
rows of ``story_events`` (indexed in timeline order), its role bars are kept without their
sources too (what the chart draws).

Writing facts (``Store.write_batch``, ``Store.replace_facts``) records what changed
(``story_dirty``) and keeps the name counts the resolver reads (``story_counts``) in the
same transaction. :func:`refresh`, run by the story commands and the app before they read,
rebuilds the resolver around the names whose counts changed (:mod:`.resolved`), then
recomputes the parts that hold a changed article's entities or a name whose resolution
changed (with every part they now join), and leaves the others as they are. A new extraction vocabulary or story code (fingerprint),
``filrouge extract`` and a new store rebuild every part. With an alias file the story is
built in full from the facts instead (:func:`filrouge.story.load_story`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from ..extract.lexicon import Lexicon, load_lexicon
from ..store.links import merge_overlapping
from ..store.repository import Store, fact_rows
from ..store.schema import (documents, facts, meta, sentences, story_counts, story_dirty, story_got, story_graph,
                            story_events, story_lookup, story_name_nodes, story_names, story_nodes, story_parts)
from .build import PERSON_EVENTS, Story, entity_listing
from . import resolved
from .resolved import StoredResolver
from .roles import Interval, holders

NOBODY = "-"
_KEYED_BY_PERSON = frozenset(PERSON_EVENTS) | {"founding", "acquisition", "quote", "role", "age", "tenure"}


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """What a stored part depends on besides the facts: the vocabulary and the story's code."""
    h = hashlib.sha256()
    for name in sorted(p.name for p in resources.files("filrouge.data.extract").iterdir() if p.name.endswith(".yaml")):
        h.update(resources.files("filrouge.data.extract").joinpath(name).read_bytes())
    for mod in ("build.py", "roles.py", "entities.py", "resolved.py", "materialized.py", "../extract/mentions.py"):
        h.update((Path(__file__).parent / mod).read_bytes())
    return h.hexdigest()[:16]


# ---- names ----------------------------------------------------------------------------
class Names:
    """Memoised resolution of the names written in facts: "p" as a person, "o" as an
    organisation (and its unit)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._memo: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, raw: str) -> Any:
        key = (kind, raw)
        if key not in self._memo:
            r = self.resolver
            self._memo[key] = r.person(raw) if kind == "p" else [r.org(raw), r.unit(raw)]
        return self._memo[key]

    def nodes(self, kind: str, raw: str) -> list[str]:
        v = self.get(kind, raw)
        return [f"p:{v}"] if kind == "p" else [f"o:{v[0]}", f"u:{v[1]}"]

    def prefetch(self, fs: Iterable[dict[str, Any]]) -> None:
        """Read at once what a stored resolver needs to resolve these facts' names."""
        if isinstance(self.resolver, StoredResolver):
            self.resolver.prefetch({n for f in fs for n in _raw_names(f)} - self._memo.keys())


def _raw_names(f: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if f["person"]:
        out.append(("p", f["person"]))
    if f["org"]:
        out.append(("o", f["org"]))
    d = f["detail"]
    for k, kind in (("holder", "o"), ("investor", "o"), ("replaces", "p"), ("replaced_by", "p")):
        if isinstance(d.get(k), str) and d[k]:
            out.append((kind, d[k]))
    return out


def fact_nodes(f: dict[str, Any], names: Names) -> set[str]:
    """The entities a raw fact links (the part it belongs to)."""
    nodes = {n for kind, raw in _raw_names(f) for n in names.nodes(kind, raw)}
    if not nodes or (f["type"] == "quote" and not f["person"]) or (
            f["type"] not in _KEYED_BY_PERSON and not f["org"]):
        nodes.add(NOBODY)  # grouped with the other facts of their kind that name no one
    return nodes


# ---- reading facts ------------------------------------------------------------------------
def _facts(conn: Connection, where: Any) -> list[dict[str, Any]]:
    """Facts as :meth:`Store.facts` gives them (plus ``seq``), in the same order."""
    return fact_rows(conn, where)


_chunks = resolved.chunks


# ---- one part -----------------------------------------------------------------------------
def _group(ev: Any) -> tuple[Any, ...]:
    """The group a full build made an event from (as Story._events groups facts)."""
    if ev.type in PERSON_EVENTS or ev.type in ("founding", "acquisition"):
        return (ev.type, ev.person, ev.org)
    f = ev.facts[0]
    if ev.type == "quote":
        return ("quote", ev.speaker, " ".join(f["detail"].get("quote", "").lower().split())[:80])
    return (ev.type, ev.org, f["detail"].get("holder") or f["detail"].get("investor"), json.dumps(f["detail"].get("value"), sort_keys=True, default=str))


def _part_data(story: Story) -> dict[str, Any]:
    """A part's events, intervals and conflicts, each with the key that orders it among
    every part's as a full build orders them."""
    def pos(fs: Iterable[dict[str, Any]]) -> list[int]:
        return list(min((f["seq"], f["id"]) for f in fs))

    # A full build makes events group by group (in the order of each group's first fact),
    # then sorts them stably by date and type: ties keep the order of their groups.
    first: dict[tuple[Any, ...], list[int]] = {}
    for ev in story.events:
        g = _group(ev)
        first[g] = min(first.get(g, [1 << 62]), pos(ev.facts))
    events, ev_keys = [], []
    for i, ev in enumerate(story.events):
        key = [ev.date is None, ev.date or "", ev.type, first[_group(ev)], i]
        ev_keys.append(key)
        events.append({"key": key, "org": ev.org, "person": ev.person or ev.speaker, "date": ev.date, "date_end": ev.date_end,
                       "type": ev.type, "others": sorted({f["detail"][k] for f in ev.facts for k in ("holder", "investor")
                                                          if f["detail"].get(k)}),
                       "json": ev.to_json()})
    # (a shallow copy: the fields are JSON already, and asdict's deep copy cost a second per 10k facts)
    intervals = [{"key": [iv.org, iv.role, iv.order().isoformat(), iv.name, i],
                  "iv": {f.name: getattr(iv, f.name) for f in dataclasses.fields(iv)}}
                 for i, iv in enumerate(story.intervals)]
    items = story.conflicts()
    alt = [k for k, ev in zip(ev_keys, story.events, strict=True) if ev.alternatives]
    n_holder = len(story._holder_conflicts())
    by_span = {(f["doc_id"], f["sentence_idx"], f["start"], f["end"]): f for f in story.facts}
    conflicts = []
    for i, item in enumerate(items):
        srcs = [by_span.get((s["doc"], s["sentence"], s["start"], s["end"])) for v in item["values"] for s in v["sources"]]
        srcs = [f for f in srcs if f is not None]
        if i < len(alt):
            key: list[Any] = [0, alt[i]]
        elif i < len(items) - n_holder:
            key = [1, pos(srcs) if srcs else [0, 0]]
        else:
            key = [2, (srcs[0]["org"] or "") if srcs else "", i]
        conflicts.append({"key": key, "item": item})
    return {"events": events, "intervals": intervals, "conflicts": conflicts}


# A part's intervals cite the same sentences again and again: stored, each source is written
# once per part (``sources``) and cited by its number (reading a part is then mostly reading
# its sources once).
def _source_lists(data: dict[str, Any]) -> Iterable[tuple[Any, Any]]:
    """(container, key) of every list of sources in a part's data (its intervals: events and
    conflicts are stored apart, each with its own sources)."""
    for iv in data["intervals"]:
        yield iv["iv"], "sources"


def _pack(data: dict[str, Any]) -> dict[str, Any]:
    numbers: dict[tuple[Any, ...], int] = {}
    sources: list[dict[str, Any]] = []
    for box, key in _source_lists(data):
        refs = []
        for src in box[key]:
            k = tuple(sorted(src.items()))
            n = numbers.get(k)
            if n is None:
                n = numbers[k] = len(sources)
                sources.append(src)
            refs.append(n)
        box[key] = refs
    data["sources"] = sources
    return data


def _unpack(data: dict[str, Any]) -> dict[str, Any]:
    sources = data.pop("sources", None)
    if sources is not None:
        for box, key in _source_lists(data):
            box[key] = [sources[n] for n in box[key]]
    return data


def _components(items: list[tuple[dict[str, Any], set[str]]]) -> dict[str, list[dict[str, Any]]]:
    """Facts grouped by connected set of entities, named by its smallest entity."""
    name = {n: min(c) for c in merge_overlapping([nodes for _f, nodes in items]) for n in c}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f, nodes in items:
        groups[name[min(nodes)]].append(f)
    return groups


# ---- bringing the stored story up to date --------------------------------------------------
def _meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(delete(meta).where(meta.c.key == key))
    conn.execute(insert(meta).values(key=key, value=value))


def stale(store: Store) -> bool:
    with store._read("reading the story") as conn:
        return bool(conn.execute(select(story_dirty.c.kind).limit(1)).first()) or \
            _meta(conn, "story_fingerprint") != fingerprint()


def refresh(store: Store, lex: Lexicon | None = None) -> dict[str, int]:
    """Recompute the parts of the stored story that what changed touches; returns how many
    parts were recomputed and how many facts they hold (nothing when nothing changed)."""
    if not stale(store):
        return {"parts": 0, "facts": 0}
    lex = lex or load_lexicon("fr")
    with store._write("bringing the story up to date") as conn:
        dirty = conn.execute(select(story_dirty.c.kind, story_dirty.c.value)).all()
        fp = fingerprint()
        full = ("all", "") in dirty or _meta(conn, "story_fingerprint") != fp
        if not dirty and not full:
            return {"parts": 0, "facts": 0}
        if full:
            for t in (story_got, story_graph):
                conn.execute(delete(t))
            resolved.add_names(conn, conn.scalars(select(story_counts.c.name).where(story_counts.c.kind != "vote")), lex)
            resolver: Any = resolved.resolver_of(conn, None, lex)
            resolved.save(conn, None, resolver)
            names = Names(resolver)
            got = _facts(conn, None)
            old_parts: set[str] = set(conn.scalars(select(story_parts.c.part)))
            old_names: dict[tuple[str, str], Any] = {}
        else:
            # the resolver, around the names whose counts changed
            counted = [v for k, v in dirty if k == "count"]
            resolved.add_names(conn, counted, lex)
            around = resolved.closure(conn, resolved.nodes_of(conn, counted, [v for k, v in dirty if k == "vote"]))
            changed = resolved.save(conn, around, resolved.resolver_of(conn, around, lex)) if around else set()
            resolver = resolved.StoredResolver(lex, conn=conn)
            names = Names(resolver)
            got, old_parts, old_names = _touched(conn, dirty, names, changed)
        names.prefetch(got)
        items = [(f, fact_nodes(f, names)) for f in got]
        groups = _components(items)
        gen = int(_meta(conn, "story_gen") or 0) + 1
        # out with the old parts, in with the new
        for chunk in _chunks(old_parts):
            for t in (story_parts, story_nodes, story_events):
                conn.execute(delete(t).where(t.c.part.in_(chunk)))
        for part, fs in groups.items():
            _write_part(conn, part, gen, _part_data(Story(fs, resolver, lex)))
        # every node of a fact belongs to that fact's group
        seen: dict[str, str] = {}
        for part, fs in groups.items():
            for f in fs:
                for n in fact_nodes(f, names):
                    seen[n] = part
        rows = [{"node": n, "part": p} for n, p in sorted(seen.items())]
        for chunk in _chunks(range(len(rows))):
            conn.execute(insert(story_nodes), [rows[i] for i in chunk])
        _save_names(conn, {(k, raw): names.get(k, raw) for f, _n in items for k, raw in _raw_names(f)},
                    old_names, lex, full)
        if full:
            conn.execute(delete(story_dirty))
        else:
            for kind, values in resolved.by_kind(dirty).items():
                for chunk in _chunks(values):
                    conn.execute(delete(story_dirty).where((story_dirty.c.kind == kind) & story_dirty.c.value.in_(chunk)))
        _set_meta(conn, "story_gen", str(gen))
        _set_meta(conn, "story_fingerprint", fp)
        return {"parts": len(groups), "facts": len(got)}


def sort_key(key: list[Any]) -> str:
    """An event's key as text that sorts the same (the timeline's order, kept in an index)."""
    undated, day, kind, (seq, fid), i = key
    return "\x01".join((str(int(undated)), day, kind, f"{seq:015d}", f"{fid:015d}", f"{i:09d}"))


def _write_part(conn: Connection, part: str, gen: int, data: dict[str, Any]) -> None:
    events = data.pop("events")
    conflicts = data.pop("conflicts")
    bars = [{"key": i["key"], "bar": Interval(**i["iv"]).bar()} for i in data["intervals"]]
    conn.execute(insert(story_parts).values(part=part, gen=gen, data=json.dumps(_pack(data), ensure_ascii=False),
                                            bars=json.dumps(bars, ensure_ascii=False),
                                            conflicts=json.dumps(conflicts, ensure_ascii=False)))
    rows = [{"part": part, "idx": i, "sort": sort_key(ev["key"]), "data": json.dumps(ev, ensure_ascii=False)}
            for i, ev in enumerate(events)]
    for chunk in _chunks(range(len(rows))):
        conn.execute(insert(story_events), [rows[i] for i in chunk])


def _old_names(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """How these (kind, name) were resolved when the parts were last computed."""
    out: dict[tuple[str, str], Any] = {}
    for kind, raws in resolved.by_kind(keys).items():
        for chunk in _chunks(set(raws)):
            for raw, v in conn.execute(select(story_names.c.raw, story_names.c.resolved)
                                       .where(story_names.c.kind == kind, story_names.c.raw.in_(chunk))):
                out[(kind, raw)] = json.loads(v)
    return out


def _nodes_of(kind: str, v: Any) -> list[str]:
    return [f"p:{v}"] if kind == "p" else [f"o:{v[0]}", f"u:{v[1]}"]


def _save_names(conn: Connection, now: dict[tuple[str, str], Any], old: dict[tuple[str, str], Any],
                lex: Lexicon, full: bool) -> None:
    """Keep how the names of the recomputed facts are now resolved, the entity nodes each
    resolves to, and the resolver's answers each depends on."""
    if full:
        for t in (story_names, story_name_nodes, story_lookup):
            conn.execute(delete(t))
        old = {}
    else:
        old = {**_old_names(conn, now.keys() - old.keys()), **old}
    changed = sorted(k for k, v in now.items() if old.get(k, object()) != v)
    for kind, raw in changed:
        if (kind, raw) in old:
            conn.execute(delete(story_names).where((story_names.c.kind == kind) & (story_names.c.raw == raw)))
            conn.execute(delete(story_name_nodes).where((story_name_nodes.c.kind == kind)
                                                        & (story_name_nodes.c.raw == raw)))
    rows = [{"kind": k, "raw": r, "resolved": json.dumps(now[(k, r)], ensure_ascii=False)} for k, r in changed]
    nodes = [{"node": n, "kind": k, "raw": r} for k, r in changed for n in sorted(set(_nodes_of(k, now[(k, r)])))]
    lookups = sorted({(f"{a}:{b}", k, r) for k, r in changed if (k, r) not in old
                      for a, b in resolved.lookup_keys(k, r, lex)})
    for table, items in ((story_names, rows), (story_name_nodes, nodes),
                         (story_lookup, [{"key": a, "kind": k, "raw": r} for a, k, r in lookups])):
        for chunk in _chunks(range(len(items))):
            conn.execute(insert(table), [items[i] for i in chunk])


def _touched(conn: Connection, dirty: list[Any], names: Names, changed: set[tuple[str, str]]
             ) -> tuple[list[dict[str, Any]], set[str], dict[tuple[str, str], Any]]:
    """The facts of every part that what changed touches, the stored parts they come from,
    and how the names whose answers changed were resolved before."""
    seeds: set[str] = set()
    docs = [v for k, v in dirty if k == "doc"]
    for chunk in _chunks(docs):
        fs = _facts(conn, facts.c.doc_id.in_(chunk))
        names.prefetch(fs)
        for f in fs:
            seeds |= fact_nodes(f, names)
    # names whose facts were deleted, and names the resolver now reads differently: their
    # old and new entities
    again = {(kind, v) for k, v in dirty if k == "name" for kind in ("p", "o")}
    for chunk in _chunks({f"{a}:{b}" for a, b in changed}):
        again |= set(conn.execute(select(story_lookup.c.kind, story_lookup.c.raw).where(story_lookup.c.key.in_(chunk))))
    old_names = _old_names(conn, again)
    raws: dict[str, set[tuple[str, str]]] = defaultdict(set)  # raw names per entity, as now resolved
    for kind, raw in sorted(again):
        if (kind, raw) in old_names:
            seeds.update(_nodes_of(kind, old_names[(kind, raw)]))
        for n in names.nodes(kind, raw):
            seeds.add(n)
            raws[n].add((kind, raw))
    parts: set[str] = set()
    nodes: set[str] = set()
    todo = set(seeds)
    got: dict[int, dict[str, Any]] = {}
    while todo:
        nodes |= todo
        new_parts = set()
        for chunk in _chunks(todo):
            new_parts |= set(conn.scalars(select(story_nodes.c.part).where(story_nodes.c.node.in_(chunk))))
        new_parts -= parts
        parts |= new_parts
        more = set(todo)
        for chunk in _chunks(new_parts):
            more |= set(conn.scalars(select(story_nodes.c.node).where(story_nodes.c.part.in_(chunk))))
        nodes |= more
        written = {(k, raw) for n in more for k, raw in raws.get(n, ())}
        for chunk in _chunks(more):
            written |= set(conn.execute(select(story_name_nodes.c.kind, story_name_nodes.c.raw)
                                        .where(story_name_nodes.c.node.in_(chunk))))
        persons = {raw for k, raw in written if k == "p"}
        orgs = {raw for k, raw in written if k == "o"}
        # names written in the changed articles' facts, not yet stored
        persons |= {n[2:] for n in more if n.startswith("p:")}
        orgs |= {n[2:] for n in more if n.startswith(("o:", "u:"))}
        fetched: list[dict[str, Any]] = []
        for chunk in _chunks(persons):
            fetched += _facts(conn, facts.c.person.in_(chunk))
        for chunk in _chunks(orgs):
            fetched += _facts(conn, facts.c.org.in_(chunk))
        if NOBODY in more:
            fetched += _facts(conn, facts.c.person.is_(None) & facts.c.org.is_(None))
        for chunk in _chunks(docs):
            fetched += _facts(conn, facts.c.doc_id.in_(chunk))
        docs = []
        todo = set()
        fetched = [f for f in fetched if f["id"] not in got]
        names.prefetch(fetched)
        for f in fetched:
            if f["id"] in got:
                continue
            got[f["id"]] = f
            todo |= fact_nodes(f, names) - nodes
    ordered = sorted(got.values(), key=lambda f: (f["seq"], f["id"]))
    return ordered, parts, old_names


# ---- reading the stored story -------------------------------------------------------------
def _interval_order(item: dict[str, Any]) -> str:
    """An interval's key [org, role, start, name, i] as text that sorts the same, faster."""
    *words, i = item["key"]
    return "\x01".join(words) + f"\x01{i:09d}"


class MaterializedStory:
    """The stored story, read part by part: the queries of :class:`~.build.Story`."""

    def __init__(self, store: Store, lex: Lexicon | None = None) -> None:
        self.store = store
        self.lex = lex or load_lexicon("fr")
        self.collective = self.lex.collective_roles
        self._gen: str | None = None
        self._parts: dict[str, dict[str, tuple[int | None, Any]]] = {}  # what -> part -> (gen, value)
        self._gens: dict[str, int] = {}
        self.resolver: StoredResolver
        self.sync()

    def sync(self) -> None:
        """Follow the store: bring its story up to date, then drop the parts that changed."""
        refresh(self.store, self.lex)
        with self.store._read("reading the story") as conn:
            gen = _meta(conn, "story_gen")
            if gen == self._gen:
                return
            self._gens = dict(conn.execute(select(story_parts.c.part, story_parts.c.gen)).all())
        self.resolver = StoredResolver(self.lex, store=self.store)
        self._parts = {w: {p: v for p, v in c.items() if self._gens.get(p) == v[0]} for w, c in self._parts.items()}
        self._gen = gen
        self._facts: list[dict[str, Any]] | None = None
        self._bars: list[dict[str, Any]] | None = None

    def _load(self, parts: Iterable[str], what: str = "data") -> list[Any]:
        """The parts' intervals ("data"), bars, conflicts or events, read once per generation."""
        parts = list(parts)
        cache = self._parts.setdefault(what, {})
        want = [p for p in parts if p not in cache]
        if want:
            with self.store._read("reading the story") as conn:
                if what == "events":
                    got: dict[str, list[Any]] = {p: [] for p in want}
                    for chunk in _chunks(want):
                        for p, data in conn.execute(select(story_events.c.part, story_events.c.data)
                                                    .where(story_events.c.part.in_(chunk))):
                            got[p].append(json.loads(data))
                    for p, evs in got.items():
                        cache[p] = (self._gens.get(p), evs)
                else:
                    col = story_parts.c[what]
                    query = select(story_parts.c.part, story_parts.c.gen, col)
                    rows = conn.execute(query).all() if len(want) == len(self._gens) else [
                        r for chunk in _chunks(want) for r in conn.execute(query.where(story_parts.c.part.in_(chunk)))]
                    for p, gen, data in rows:
                        cache[p] = (gen, _unpack(json.loads(data)) if what == "data" else json.loads(data))
        return [cache[p][1] for p in parts if p in cache]

    def _of(self, nodes: list[str] | None, what: str = "data") -> list[Any]:
        if nodes is None:
            return self._load(sorted(self._gens), what)
        with self.store._read("reading the story") as conn:
            parts = set(conn.scalars(select(story_nodes.c.part).where(story_nodes.c.node.in_(nodes))))
        return self._load(sorted(parts), what)

    # ---- the queries of Story ------------------------------------------------------------
    def timeline(self, org: str | None = None, person: str | None = None, start: date | None = None,
                 end: date | None = None, types: set[str] | None = None) -> list[dict[str, Any]]:
        from .roles import parse_day

        po = self.resolver.org(org) if org else None
        pp = self.resolver.person(person) if person else None
        nodes = [f"o:{po}"] if po else [f"p:{pp}"] if pp else None
        evs = sorted((e for evs in self._of(nodes, "events") for e in evs), key=lambda e: e["key"])
        if not (po or pp or types or start or end):
            return [dict(ev["json"]) for ev in evs]
        out = []
        for ev in evs:
            if po and ev["org"] != po and po not in ev["others"]:
                continue
            if pp and ev["person"] != pp:
                continue
            if types and ev["type"] not in types:
                continue
            d = parse_day(ev["date"])
            if (start or end) and d is None:
                continue
            if start and d and (parse_day(ev["date_end"]) or d) < start:
                continue
            if end and d and d > end:
                continue
            out.append(dict(ev["json"]))  # callers add keys: a copy, shallow (a deep one cost as much as the read)
        return out

    def first_events(self, n: int) -> tuple[list[dict[str, Any]], int]:
        """The first ``n`` events of the timeline (no filter), and how many there are."""
        with self.store._read("reading the story") as conn:
            total = conn.execute(select(func.count()).select_from(story_events)).scalar_one()
            rows = conn.scalars(select(story_events.c.data).order_by(story_events.c.sort).limit(n)).all()
        return [json.loads(r)["json"] for r in rows], int(total)

    def _intervals(self, nodes: list[str] | None) -> list[Interval]:
        items = sorted((i for d in self._of(nodes) for i in d["intervals"]), key=_interval_order)
        return [Interval(**{**i["iv"], "sources": list(i["iv"]["sources"])}) for i in items]

    @property
    def intervals(self) -> list[Interval]:
        return self._intervals(None)

    def roles(self, org: str, role: str | None = None) -> list[Interval]:
        o = self.resolver.unit(org)
        want = self.lex.canonical_role(role) if role else None
        if role and want is None:
            want = role
        return [i for i in self._intervals([f"u:{o}"])
                if i.org == o and (want is None or i.role.lower() == want.lower())]

    def holders(self, org: str, role: str, at: date) -> list[Interval]:
        ivs = self.roles(org, role)
        return holders(ivs, at, bool(ivs) and ivs[0].role in self.lex.single_holder)

    def bars(self) -> list[dict[str, Any]]:
        """Every role interval as the chart draws it (:meth:`Interval.bar`), in the order of
        :attr:`intervals`."""
        if self._bars is None:
            self._bars = sorted((b for bs in self._of(None, "bars") for b in bs), key=_interval_order)
        return [dict(b["bar"]) for b in self._bars]

    def conflicts(self) -> list[dict[str, Any]]:
        items = sorted((c for cs in self._of(None, "conflicts") for c in cs), key=lambda c: c["key"])
        return [dict(c["item"]) for c in items]

    def entities(self) -> list[dict[str, Any]]:
        return entity_listing(self.resolver, [(b["name"], b["role"], b["org"], b["interim"]) for b in self.bars()])

    @property
    def facts(self) -> list[dict[str, Any]]:
        """Every fact with its names resolved (built on demand: the export and ``filrouge facts``)."""
        if self._facts is None:
            fs = self.store.facts()
            self.resolver.prefetch({n for f in fs for n in _raw_names(f)})
            self._facts = Story(fs, self.resolver, self.lex).facts
        return self._facts


def count_parts(store: Store) -> int:
    with store._read() as conn:
        return int(conn.execute(select(func.count()).select_from(story_parts)).scalar_one())


__all__ = ["MaterializedStory", "count_parts", "fingerprint", "refresh", "stale"]
