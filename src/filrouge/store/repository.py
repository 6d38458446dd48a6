"""The store: one class over SQLAlchemy 2, the same code for SQLite (default: one file,
WAL, FTS5) and PostgreSQL (chosen by URL). Drivers are imported by SQLAlchemy only when
their URL is used.

Many writers. Every write is one transaction that first takes the store's write lock: a
transaction-level advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite (which waits up
to the busy timeout, then fails with a :class:`StoreError` naming the store). Under it a batch
gets its sequence numbers, inserts what is not there yet (``ON CONFLICT DO NOTHING``: an
article another run stored first is skipped, its origin recorded) and settles duplicate links
against the documents other runs committed meanwhile (see :mod:`.links`). Readers never
take the lock and see whole batches or nothing. Any driver error becomes a StoreError.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, inspect, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from ..errors import StoreError
from ..models import Entity, Fact, ParsedDocument, Sentence, Token
from .links import Links
from .schema import (MIGRATIONS, SCHEMA_VERSION, documents, entities, facts, meta, name_votes, origins, sentences,
                     story_counts, story_dirty)

# pg_advisory_xact_lock key of the store's write lock (any constant; 'filrouge' in ASCII)
WRITE_LOCK_KEY = 0x66696C726F756765
BUSY_TIMEOUT_S = 120.0  # how long an SQLite writer waits for another one's transaction


@dataclass(frozen=True, slots=True)
class DocRow:
    id: str
    seq: int
    origin: str
    url: str | None
    source: str | None
    title: str | None
    published: str | None
    published_basis: str
    language: str
    word_count: int
    duplicate_of: str | None
    similarity: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": self.origin, "url": self.url, "source": self.source,
            "title": self.title, "published": self.published, "published_basis": self.published_basis,
            "language": self.language, "word_count": self.word_count,
            "duplicate_of": self.duplicate_of, "similarity": self.similarity,
        }


def _sqlite_connect(busy_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # transactions are ours (see _sqlite_begin), not the sqlite3 module's implicit ones
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")  # first: switching to WAL may wait too
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return on_connect


def _sqlite_begin(conn: Connection) -> None:
    """A writer takes the write lock when it begins (waiting up to the busy timeout), never
    halfway through a transaction that has already read: that upgrade would fail at once."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("filrouge_write") else "BEGIN")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def fact_rows(conn: Connection, where: Any = None) -> list[dict[str, Any]]:
    """Facts with their document's seq, date, source, title, URL, duplicate link and sentence,
    in store order (``where``: a condition on the facts table, or None for all)."""
    q = (select(facts, documents.c.seq, documents.c.published, documents.c.source, documents.c.title,
                documents.c.url, documents.c.duplicate_of, documents.c.origin, sentences.c.text.label("sentence_text"))
         .join(documents, documents.c.id == facts.c.doc_id)
         .join(sentences, (sentences.c.doc_id == facts.c.doc_id) & (sentences.c.idx == facts.c.sentence_idx),
               isouter=True)
         .order_by(documents.c.seq, facts.c.id))
    if where is not None:
        q = q.where(where)
    out = []
    result = conn.execute(q)
    keys = list(result.keys())
    for r in result:
        d = dict(zip(keys, r, strict=True))
        d["detail"] = json.loads(d["detail"])
        d["interim"], d["negated"], d["org_inferred"] = bool(d["interim"]), bool(d["negated"]), bool(d["org_inferred"])
        out.append(d)
    return out


class Store:
    """Documents, sentences, entities, facts and name votes; created and migrated on open.

    ``busy_timeout``: how long an SQLite writer waits for another one's transaction (120 s);
    ``near_duplicate_threshold``: the one the runs' duplicate indexes use (Settings' default),
    to link copies across concurrent writers."""

    def __init__(self, url: str, *, migrate: bool = True, busy_timeout: float | None = None,
                 near_duplicate_threshold: float = 0.5) -> None:
        self.url = url
        self.busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        try:
            pg = url.startswith("postgres")
            self.engine: Engine = create_engine(url, future=True, pool_pre_ping=pg)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise StoreError(f"cannot use store URL {url!r}: {exc}") from None
        except ImportError as exc:
            raise StoreError(f"the driver for {url.split(':', 1)[0]} is not installed ({exc.name}); "
                             "for PostgreSQL: pip install 'filrouge[postgres]'") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_connect(int(self.busy_timeout * 1000)))
            event.listen(self.engine, "begin", _sqlite_begin)
        # duplicate links against what other writers commit while this one runs
        self._links = Links(near_duplicate_threshold)
        # origins of documents not stored yet (seen again before their batch is written)
        self._pending_origins: dict[str, str] = {}
        # highest sequence number when the name votes were last read (see replace_facts)
        self._votes_seq: int | None = None
        self._statements: dict[tuple[str, str], Any] = {}  # see _insert_new
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # ---- transactions ----------------------------------------------------------------
    def _error(self, exc: SQLAlchemyError, doing: str) -> StoreError:
        """One line naming the store and what to do, for any driver error."""
        where = self._safe_url()
        msg = _first_line(exc)
        low = msg.lower()
        if "database is locked" in low or "database is busy" in low:
            return StoreError(f"store {where} is busy: another filrouge run kept it locked for more than "
                              f"{self.busy_timeout:g} s while {doing}; run this again when it has finished "
                              "(nothing was half-written)")
        if "malformed" in low or "not a database" in low:
            return StoreError(f"store {where} is not a readable filrouge store ({msg})")
        lost = (isinstance(exc, DBAPIError) and exc.connection_invalidated) or any(
            w in low for w in ("terminating connection", "server closed the connection", "connection refused",
                               "connection failed", "connection is closed", "consuming input failed",
                               "the connection is lost", "shutting down", "is starting up", "in recovery"))
        if lost:
            return StoreError(f"lost the connection to store {where} while {doing} ({msg}); what was committed "
                              "is kept: run the same command again to finish")
        return StoreError(f"store {where}: error while {doing}: {msg}")

    @contextmanager
    def _read(self, doing: str = "reading") -> Iterator[Connection]:
        """A connection for reading: one snapshot on SQLite, statement by statement on PostgreSQL."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise self._error(exc, doing) from None

    @contextmanager
    def _write(self, doing: str = "writing", *, lock: bool = True) -> Iterator[Connection]:
        """One write transaction holding the store's write lock (``lock``: on PostgreSQL; an
        SQLite writer always holds the file's)."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(filrouge_write=True)
                with conn.begin():
                    if lock and conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
                    yield conn
        except SQLAlchemyError as exc:
            raise self._error(exc, doing) from None

    def _insert_new(self, conn: Connection, table: Any, key: str, **values: Any) -> bool:
        """INSERT ... ON CONFLICT (key) DO NOTHING in the store's dialect; True when inserted.
        One statement per table, the values bound (compiled once, not once per row)."""
        stmt = self._statements.get((table.name, key))
        if stmt is None:
            ins = pg_insert(table) if self.dialect == "postgresql" else sqlite_insert(table)
            stmt = self._statements[(table.name, key)] = \
                ins.on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
        return conn.execute(stmt, values).first() is not None

    # ---- schema ----------------------------------------------------------------------
    @staticmethod
    def _version_in(conn: Connection) -> int:
        if not inspect(conn).has_table("meta"):
            return 0
        row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
        return int(row[0]) if row else 0

    def version(self) -> int:
        with self._read("opening it") as conn:
            return self._version_in(conn)

    def migrate(self) -> int:
        """Bring the schema up to date; runs opening the same new store at once migrate it once."""
        current = self.version()
        if current > SCHEMA_VERSION:
            raise StoreError(f"store {self._safe_url()} has schema {current}, newer than this filrouge "
                             f"({SCHEMA_VERSION}); upgrade filrouge")
        for version, _desc, fn in MIGRATIONS:
            if version <= current:
                continue
            with self._write(f"migrating the schema to version {version}") as conn:
                current = self._version_in(conn)  # another run may have done it meanwhile
                if version <= current:
                    continue
                fn(conn)
                conn.execute(meta.delete().where(meta.c.key == "schema_version"))
                conn.execute(insert(meta).values(key="schema_version", value=str(version)))
                current = version
        return SCHEMA_VERSION

    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # ---- writing ---------------------------------------------------------------------
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        if not ids:
            return set()
        with self._read() as conn:
            return set(conn.scalars(select(documents.c.id).where(documents.c.id.in_(ids))))

    def add_origins(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Record that a document was also seen at ``origin``; returns how many were new. The
        origin of a document not stored yet (its first copy is in the batch being built) is
        kept and written with that document."""
        pairs = list(pairs)
        if not pairs:
            return 0
        added = 0
        with self._write("recording origins", lock=False) as conn:
            stored = set(conn.scalars(select(documents.c.id).where(documents.c.id.in_({d for d, _o in pairs}))))
            for doc_id, origin in pairs:
                if doc_id not in stored:
                    self._pending_origins.setdefault(origin, doc_id)
                    continue
                added += self._insert_new(conn, origins, "origin", origin=origin, doc_id=doc_id)
        return added

    def write_batch(self, parsed: list[ParsedDocument],
                    links: dict[str, tuple[str | None, float | None]]) -> list[str]:
        """Store a batch in one transaction; returns the ids it added. ``links``: doc id ->
        (duplicate_of, similarity), for new documents and for stored ones whose original
        changed, as the run's duplicate index (loaded by :meth:`signatures`) saw them. A
        document another run stored first is not written again (its origin is recorded), and
        links are settled against what other runs wrote meanwhile (:mod:`.links`)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        added: list[str] = []
        counted: list[tuple[str, str, str, float, float, int, int]] = []
        with self._write("storing a batch") as conn:
            self._links.catch_up(conn)
            seq = conn.execute(select(func.coalesce(func.max(documents.c.seq), 0))).scalar_one()
            new_hashes: dict[str, bytes] = {}
            sent_rows: list[dict[str, Any]] = []
            ent_rows: list[dict[str, Any]] = []
            fact_rows: list[dict[str, Any]] = []
            vrows: list[dict[str, Any]] = []
            for p in parsed:
                d = p.doc
                doc_id = d.content_hash
                _dup, sim = links.get(doc_id, (None, None))
                inserted = self._insert_new(
                    conn, documents, "id", id=doc_id, seq=seq + 1, origin=d.origin, kind=d.kind, url=d.url, source=d.source,
                    title=d.title, published=d.published, published_basis=d.published_basis,
                    language=d.language, word_count=d.word_count, body=d.body,
                    comments=json.dumps(list(d.comments), ensure_ascii=False),
                    removed=json.dumps([{"text": r.text, "reason": r.reason} for r in d.removed], ensure_ascii=False),
                    flags=json.dumps(list(d.flags), ensure_ascii=False),
                    paragraphs=json.dumps(d.to_json()["paragraphs"], ensure_ascii=False),
                    duplicate_of=None, similarity=sim, minhash=p.minhash, ingested_at=now,
                )
                self._insert_new(conn, origins, "origin", origin=d.origin, doc_id=doc_id)
                if not inserted:  # another run stored it first: its analyses are those
                    continue
                seq += 1
                added.append(doc_id)
                new_hashes[doc_id] = p.minhash or b""
                # the analyses of the batch's new documents: one multi-row insert per table
                sent_rows += [
                    {"doc_id": doc_id, "idx": s.index, "start": s.start, "end": s.end, "text": s.text,
                     "tokens": json.dumps([[t.start - s.start, t.end - s.start, t.lemma, t.pos, t.dep, t.head, t.morph]
                                           for t in s.tokens], ensure_ascii=False)}
                    for s in p.sentences
                ]
                sent_starts = [s.start for s in p.sentences]
                ent_rows += [
                    {"doc_id": doc_id, "sentence_idx": _sentence_of(sent_starts, e.start),
                     "start": e.start, "end": e.end, "text": e.text, "label": e.label}
                    for e in p.entities
                ]
                fact_rows += _fact_rows(doc_id, p.facts)
                vrows += _vote_rows(doc_id, p.votes)
                counted += _story_counts(seq, p.entities, p.facts, p.votes)
            for table, rows in ((sentences, sent_rows), (entities, ent_rows), (facts, fact_rows),
                                (name_votes, vrows)):
                if rows:
                    conn.execute(insert(table), rows)
            present = {p.doc.content_hash for p in parsed}
            for origin, doc_id in list(self._pending_origins.items()):
                if doc_id in present:
                    self._insert_new(conn, origins, "origin", origin=origin, doc_id=doc_id)
                    del self._pending_origins[origin]
            # links last: every document they name now exists
            self._links.changed = set()
            self._links.apply(conn, links, new_hashes)
            self._links.wrote(seq)
            self._story_changed(conn, counted, {("doc", d) for d in [*added, *self._links.changed]})
        return added

    def replace_facts(self, doc_id: str, new: Iterable[Fact],
                      votes: Iterable[tuple[str, float, float, str | None]] | None = None) -> bool:
        """The facts (and, when given, the name votes) of one stored document, replaced in
        one transaction (``filrouge extract``, settling name types after an ingest).

        With ``votes``, the facts were read with the store-wide votes of the last
        :meth:`name_votes` call. If another run has since stored articles voting on one of
        this article's names, those votes are stale: nothing is written and False is
        returned (that run settles the names after its last batch, with every vote)."""
        new = tuple(new)
        votes = None if votes is None else tuple(votes)
        with self._write("replacing the facts of an article") as conn:
            if votes and self._votes_seq is not None:
                keys = list({k[:200] for k, *_rest in votes})
                newer = conn.execute(
                    select(name_votes.c.doc_id).join(documents, documents.c.id == name_votes.c.doc_id)
                    .where(documents.c.seq > self._votes_seq, name_votes.c.key.in_(keys)).limit(1)).first()
                if newer is not None:
                    return False
            seq = conn.execute(select(documents.c.seq).where(documents.c.id == doc_id)).scalar() or 0
            old = conn.execute(select(facts.c.person, facts.c.org, facts.c.detail).where(facts.c.doc_id == doc_id)).all()
            counted = [(k, n, lab, -a, -b, -c, f) for k, n, lab, a, b, c, f in _story_counts(
                seq, (), [Fact("", 0, 0, 0, person=p, org=o) for p, o, _d in old], ())]
            dirty = {("doc", doc_id)} | {("name", n) for p, o, d in old
                                         for n in (p, o, *(json.loads(d).get(k) for k in ("holder", "investor")))
                                         if isinstance(n, str) and n}
            conn.execute(facts.delete().where(facts.c.doc_id == doc_id))
            _insert_facts(conn, doc_id, new)
            counted += _story_counts(seq, (), new, ())
            if votes is not None:
                old_votes = conn.execute(select(name_votes.c.key, name_votes.c.per, name_votes.c.org)
                                         .where(name_votes.c.doc_id == doc_id)).all()
                counted += [("vote", k, "", -per, -org, -1, 0) for k, per, org in old_votes]
                counted += _story_counts(seq, (), (), votes)
                conn.execute(name_votes.delete().where(name_votes.c.doc_id == doc_id))
                _insert_votes(conn, doc_id, votes)
            self._story_changed(conn, counted, dirty)
        return True

    def story_stale(self) -> None:
        """Have the stored story rebuilt in full at its next read (``filrouge extract``)."""
        with self._write("marking the story for a rebuild") as conn:
            self._story_changed(conn, [], {("all", "")})

    def _story_changed(self, conn: Connection, counted: list[tuple[str, str, str, float, float, int, int]],
                       dirty: set[tuple[str, str]]) -> None:
        """Keep the story's name counts and its list of what changed (story/materialized.py)
        in the transaction that changed the facts."""
        totals: dict[tuple[str, str, str], list[float]] = {}
        for kind, name, label, n, m, c, first in counted:
            t = totals.setdefault((kind, name, label), [0.0, 0.0, 0, first])
            t[0] += n
            t[1] += m
            t[2] += c
            t[3] = min(t[3], first)
        rows = [{"kind": k, "name": n, "label": lab, "n": v[0], "m": v[1], "c": int(v[2]), "first": int(v[3])}
                for (k, n, lab), v in sorted(totals.items())]
        # one statement each, the rows bound (an executemany: compiled once, not per batch size)
        add, mark = self._statements.get(("story_counts", "+")), self._statements.get(("story_dirty", "+"))
        if add is None or mark is None:
            pg = self.dialect == "postgresql"
            ins = pg_insert(story_counts) if pg else sqlite_insert(story_counts)
            add = self._statements[("story_counts", "+")] = ins.on_conflict_do_update(
                index_elements=["kind", "name", "label"],
                set_={"n": story_counts.c.n + ins.excluded.n, "m": story_counts.c.m + ins.excluded.m,
                      "c": story_counts.c.c + ins.excluded.c})
            mark = self._statements[("story_dirty", "+")] = \
                (pg_insert(story_dirty) if pg else sqlite_insert(story_dirty)).on_conflict_do_nothing()
        if rows:
            conn.execute(add, rows)
        if any(v[2] < 0 for v in totals.values()):
            conn.execute(story_counts.delete().where(story_counts.c.c <= 0))
        # the resolver is brought up to date around the names whose counts changed
        dirty = dirty | {("vote" if k == "vote" else "count", n) for k, n, _lab in totals}
        if dirty:
            conn.execute(mark, [{"kind": k, "value": v} for k, v in sorted(dirty)])

    def name_votes(self) -> dict[str, tuple[float, float]]:
        """Store-wide evidence per name key: (person votes, organisation votes)."""
        with self._read() as conn:
            # read first: a vote stored after it only makes replace_facts more careful
            self._votes_seq = conn.execute(select(func.coalesce(func.max(documents.c.seq), 0))).scalar_one()
            rows = conn.execute(select(name_votes.c.key, func.sum(name_votes.c.per), func.sum(name_votes.c.org))
                                .group_by(name_votes.c.key)).all()
        return {k: (float(p), float(o)) for k, p, o in rows}

    def vote_rows(self) -> list[tuple[str, str, str | None]]:
        """(document, name key, type its facts were extracted with) for every stored vote."""
        with self._read() as conn:
            return [tuple(r) for r in conn.execute(select(name_votes.c.doc_id, name_votes.c.key, name_votes.c.used))]

    # ---- reading ---------------------------------------------------------------------
    def analyses(self, ids: Iterable[str] | None = None
                 ) -> Iterator[tuple[str, str, str | None, tuple[Sentence, ...], tuple[Entity, ...]]]:
        """(id, body, published, sentences, entities) of every stored document (or of ``ids``), in order."""
        q = select(documents.c.id, documents.c.body, documents.c.published).order_by(documents.c.seq)
        if ids is not None:
            q = q.where(documents.c.id.in_(list(ids)))
        with self._read() as conn:
            docs = conn.execute(q).all()
        for doc_id, body, published in docs:
            sents = tuple(
                Sentence(r["idx"], r["start"], r["end"], r["text"],
                         tuple(Token(a + r["start"], b + r["start"], lem, pos, dep, head, morph)
                               for a, b, lem, pos, dep, head, morph in r["tokens"]))
                for r in self.sentences_of(doc_id))
            ents = tuple(Entity(e["start"], e["end"], e["text"], e["label"]) for e in self.entities_of(doc_id))
            yield doc_id, body, published, sents, ents

    def facts(self) -> list[dict[str, Any]]:
        """Every stored fact with its document's date, source, title, URL and duplicate link."""
        with self._read() as conn:
            rows = fact_rows(conn)
        for d in rows:
            del d["seq"]
        return rows

    def entity_names(self) -> list[tuple[str, str]]:
        """(text, label) of every entity mention, for typing names across articles."""
        with self._read() as conn:
            return [(t, lab) for t, lab in conn.execute(select(entities.c.text, entities.c.label))]

    def signatures(self) -> Iterator[tuple[str, int, str | None, str | None, bytes]]:
        """(id, seq, published, duplicate_of, minhash) of every stored document: what a run's
        duplicate index starts from. Links written later are settled against the documents
        other runs store after this read (:mod:`.links`)."""
        with self._read("reading signatures") as conn:
            # first: a document committed between the two reads is only compared twice
            self._links.start(conn.execute(select(func.coalesce(func.max(documents.c.seq), 0))).scalar_one())
            rows = conn.execute(select(documents.c.id, documents.c.seq, documents.c.published,
                                       documents.c.duplicate_of, documents.c.minhash))
            for r in rows:
                yield r[0], r[1], r[2], r[3], r[4] or b""

    def documents(self, *, limit: int | None = None, offset: int = 0,
                  ids: Iterable[str] | None = None) -> list[DocRow]:
        cols = [documents.c[n] for n in ("id", "seq", "origin", "url", "source", "title", "published",
                                         "published_basis", "language", "word_count", "duplicate_of",
                                         "similarity")]
        q = select(*cols).order_by(documents.c.seq).offset(offset)
        if ids is not None:
            q = q.where(documents.c.id.in_(list(ids)))
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            return [DocRow(*r) for r in conn.execute(q)]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(select(documents).where(
                (documents.c.id == doc_id) | (documents.c.id.like(f"{doc_id}%")))).mappings().first()
        if row is None:
            return None
        out = dict(row)
        out.pop("minhash", None)
        for key in ("comments", "removed", "flags", "paragraphs"):
            out[key] = json.loads(out[key])
        return out

    def bodies(self, ids: Iterable[str]) -> dict[str, str]:
        """Clean bodies of the given documents (id -> body)."""
        ids = list(ids)
        out: dict[str, str] = {}
        with self._read() as conn:
            for i in range(0, len(ids), 500):
                q = select(documents.c.id, documents.c.body).where(documents.c.id.in_(ids[i:i + 500]))
                out.update({r[0]: r[1] for r in conn.execute(q)})
        return out

    def article_texts(self) -> dict[str, dict[str, Any]]:
        """Every document's clean body, removed parts and comment count (the report's article view)."""
        with self._read() as conn:
            rows = conn.execute(select(documents.c.id, documents.c.body, documents.c.removed, documents.c.comments)
                                .order_by(documents.c.seq))
            return {r[0]: {"body": r[1], "removed": json.loads(r[2]), "comments": len(json.loads(r[3]))}
                    for r in rows}

    def state(self) -> tuple[int, int, int]:
        """(documents, facts, highest sequence number): changes whenever the store does."""
        with self._read() as conn:
            n = conn.execute(select(func.count(), func.coalesce(func.max(documents.c.seq), 0))
                             .select_from(documents)).one()
            f = conn.execute(select(func.count(), func.coalesce(func.max(facts.c.id), 0))
                             .select_from(facts)).one()
        return int(n[0]), int(f[0]) * 1_000_003 + int(f[1]), int(n[1])

    def count(self, table: str = "documents") -> int:
        tbl = {"documents": documents, "sentences": sentences, "entities": entities, "origins": origins,
               "facts": facts}[table]
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(tbl)).scalar_one()

    def sentences_of(self, doc_id: str) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(select(sentences).where(sentences.c.doc_id == doc_id)
                                .order_by(sentences.c.idx)).mappings()
            return [dict(r) | {"tokens": json.loads(r["tokens"])} for r in rows]

    def entities_of(self, doc_id: str) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(select(entities).where(entities.c.doc_id == doc_id)
                                .order_by(entities.c.start)).mappings()
            return [dict(r) for r in rows]

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over sentences (FTS5 on SQLite, tsvector on PostgreSQL)."""
        with self._read() as conn:
            if self.dialect == "sqlite":
                terms = " ".join('"' + t.replace('"', '""') + '"' for t in query.split())
                if not terms:
                    return []
                rows = conn.execute(text(
                    "SELECT s.doc_id, s.idx, s.start, s.\"end\", s.text, "
                    "highlight(sentences_fts, 0, '<mark>', '</mark>') AS hit "
                    "FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
                    "WHERE sentences_fts MATCH :q ORDER BY rank LIMIT :n"), {"q": terms, "n": limit})
            else:
                rows = conn.execute(text(
                    "SELECT doc_id, idx, start, \"end\", text, "
                    "ts_headline('simple', text, plainto_tsquery('simple', :q), "
                    "'StartSel=<mark>, StopSel=</mark>, HighlightAll=true') AS hit "
                    "FROM sentences WHERE to_tsvector('simple', text) @@ plainto_tsquery('simple', :q) "
                    "LIMIT :n"), {"q": query, "n": limit})
            return [dict(r._mapping) for r in rows]


def _fact_rows(doc_id: str, items: Iterable[Fact]) -> list[dict[str, Any]]:
    return [
        {"doc_id": doc_id, "sentence_idx": f.sentence, "start": f.start, "end": f.end, "type": f.type,
         "person": f.person, "org": f.org, "role": f.role, "role_surface": f.role_surface,
         "interim": int(f.interim), "date": f.date, "date_end": f.date_end, "granularity": f.granularity,
         "date_text": f.date_text, "date_basis": f.date_basis, "negated": int(f.negated),
         "modality": f.modality, "org_inferred": int(f.org_inferred),
         "detail": json.dumps(f.detail, ensure_ascii=False)}
        for f in items
    ]


def _insert_facts(conn: Any, doc_id: str, items: tuple[Fact, ...]) -> None:
    if items:
        conn.execute(insert(facts), _fact_rows(doc_id, items))


def _story_counts(seq: int, ents: Iterable[Entity], items: Iterable[Fact],
                  votes: Iterable[tuple[str, float, float, str | None]]) -> list[tuple[str, str, str, float, float, int, int]]:
    """What an article adds to the name counts the story's resolver reads (schema.story_counts)."""
    out = [("mention", e.text, e.label, 1.0, 0.0, 1, seq) for e in ents]
    for f in items:
        if f.person:
            out.append(("fact", f.person, "person", 1.0, 0.0, 1, seq))
        if f.org:
            out.append(("fact", f.org, "organisation", 1.0, 0.0, 1, seq))
    out += [("vote", k[:200], "", float(per), float(org), 1, 0) for k, per, org, _used in votes]
    return out


def _vote_rows(doc_id: str, items: Iterable[tuple[str, float, float, str | None]]) -> list[dict[str, Any]]:
    return [{"doc_id": doc_id, "key": k[:200], "per": per, "org": org, "used": used} for k, per, org, used in items]


def _insert_votes(conn: Any, doc_id: str, items: tuple[tuple[str, float, float, str | None], ...]) -> None:
    if items:
        conn.execute(insert(name_votes), _vote_rows(doc_id, items))


def _sentence_of(starts: list[int], offset: int) -> int:
    return max(0, bisect.bisect_right(starts, offset) - 1)
