"""Tables of the store (SQLAlchemy Core) and the versioned migrations that create them.

Every text offset stored (sentences, tokens, entities) points into ``documents.body``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the raw record (content-addressed)
    Column("seq", Integer, nullable=False, unique=True),  # ingestion order
    Column("origin", Text, nullable=False),  # first path[:line|#record] it was read from
    Column("kind", String(8), nullable=False),
    Column("url", Text),
    Column("source", Text),
    Column("title", Text),
    Column("published", String(40)),
    Column("published_basis", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("comments", Text, nullable=False),  # JSON list
    Column("removed", Text, nullable=False),  # JSON list of {text, reason}
    Column("flags", Text, nullable=False),  # JSON list
    Column("paragraphs", Text, nullable=False),  # JSON list
    Column("duplicate_of", String(64), ForeignKey("documents.id"), nullable=True),
    Column("similarity", Float),
    Column("minhash", LargeBinary),
    Column("ingested_at", String(40), nullable=False),
)
Index("ix_documents_published", documents.c.published)
Index("ix_documents_duplicate_of", documents.c.duplicate_of)

origins = Table(
    "origins",
    metadata,
    Column("origin", Text, primary_key=True),
    Column("doc_id", String(64), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
)

sentences = Table(
    "sentences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("tokens", Text, nullable=False),  # JSON: [[start, end, lemma, pos, dep, head, morph], ...]
    UniqueConstraint("doc_id", "idx"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
)
Index("ix_entities_doc", entities.c.doc_id)
Index("ix_sentences_doc", sentences.c.doc_id)


facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("type", String(16), nullable=False),
    Column("person", Text),
    Column("org", Text),
    Column("role", String(64)),
    Column("role_surface", Text),
    Column("interim", Integer, nullable=False),
    Column("date", String(10)),
    Column("date_end", String(10)),
    Column("granularity", String(16)),
    Column("date_text", Text),
    Column("date_basis", String(16)),
    Column("negated", Integer, nullable=False),
    Column("modality", String(16), nullable=False),
    Column("org_inferred", Integer, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: quote, speaker, value, count, total, holder...
)
Index("ix_facts_doc", facts.c.doc_id)
Index("ix_facts_type", facts.c.type)


# Per article, per name (family-name key): the evidence that it names a person or an
# organisation, and the type the article's facts were extracted with. Summed over the store,
# the votes type a name that one article alone gets wrong; `used` finds articles to redo.
name_votes = Table(
    "name_votes",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("per", Float, nullable=False),
    Column("org", Float, nullable=False),
    Column("used", String(3)),
)


# The story kept up to date (story/materialized.py). What the name resolver reads, summed over
# the store (kind "mention": entity text and label; "fact": a fact's person or organisation,
# label person|organisation; "vote": a name key's person (n) and organisation (m) votes), so
# that it is rebuilt without reading every mention; ``c``: the mentions (vote rows) counted,
# ``first``: the sequence number of the first article counted.
story_counts = Table(
    "story_counts",
    metadata,
    Column("kind", String(8), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("label", String(16), primary_key=True),
    Column("n", Float, nullable=False),
    Column("m", Float, nullable=False),
    Column("c", Integer, nullable=False),
    Column("first", Integer, nullable=False),
)
# What changed since the story was last brought up to date: kind "doc" (an article whose facts
# were written), "name" (a name of facts that were deleted), "count" (a text whose name counts
# changed), "vote" (a name key whose votes changed), "all" (rebuild everything).
story_dirty = Table(
    "story_dirty",
    metadata,
    Column("kind", String(8), primary_key=True),
    Column("value", Text, primary_key=True),
)
# One part of the story per connected set of people and organisations that facts link: its
# role intervals (``data``, JSON), the same without their sources (``bars``: what the role
# chart draws), its conflicts, and the entity nodes ("p:Name", "o:Name", "u:Unit", "-" for
# facts naming nobody) that belong to it (``story_nodes``). Its events are rows of
# ``story_events``, with the key that orders them among every part's (``sort``).
story_parts = Table(
    "story_parts",
    metadata,
    Column("part", Text, primary_key=True),
    Column("gen", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("bars", Text, nullable=False, server_default="[]"),
    Column("conflicts", Text, nullable=False, server_default="[]"),
)
story_events = Table(
    "story_events",
    metadata,
    Column("part", Text, primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("sort", Text().with_variant(Text(collation="C"), "postgresql"), nullable=False),
    Column("data", Text, nullable=False),
)
Index("ix_story_events_sort", story_events.c.sort)
story_nodes = Table(
    "story_nodes",
    metadata,
    Column("node", Text, primary_key=True),
    Column("part", Text, nullable=False),
)
Index("ix_story_nodes_part", story_nodes.c.part)
# How every name written in a fact was resolved when the parts were last computed
# (kind "p": as a person; "o": as an organisation, JSON [org, unit]).
story_names = Table(
    "story_names",
    metadata,
    Column("kind", String(1), primary_key=True),
    Column("raw", Text, primary_key=True),
    Column("resolved", Text, nullable=False),
)

# The name resolver kept in the store (story/resolved.py), rebuilt only around what changed.
# The name each counted text stands for (name_of; NULL: no name).
story_got = Table(
    "story_got",
    metadata,
    Column("raw", Text, primary_key=True),
    Column("got", Text),
)
Index("ix_story_got_got", story_got.c.got)
# The keys by which names can depend on each other in the resolver: a name's own keys
# (probe 0: its family name, organisation key, vote key...) and the keys of the names it
# looks for (probe 1: the one-word first name a full name may answer for...).
story_graph = Table(
    "story_graph",
    metadata,
    Column("node", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("probe", Integer, primary_key=True),
)
Index("ix_story_graph_key", story_graph.c.key, story_graph.c.probe)
# The resolver's answers: kind person|organisation|unit (a folded name) and pk|ok (a family
# name or organisation key no entity lists as such) -> canonical name.
story_map = Table(
    "story_map",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("canon", Text, nullable=False),
)
story_entities = Table(
    "story_entities",
    metadata,
    Column("name", Text, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("aliases", Text, nullable=False),
    Column("part_of", Text),
)
# The answers each name written in a fact depends on ("person:<folded>", "pk:<family>"...),
# and the entity nodes it resolves to: which facts a change of the resolver touches.
story_lookup = Table(
    "story_lookup",
    metadata,
    Column("key", Text, primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("raw", Text, primary_key=True),
)
story_name_nodes = Table(
    "story_name_nodes",
    metadata,
    Column("node", Text, primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("raw", Text, primary_key=True),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[meta, documents, origins, sentences, entities])
    if conn.dialect.name == "sqlite":
        conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5("
            "text, content='sentences', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        ))
        conn.execute(text(
            "CREATE TRIGGER IF NOT EXISTS sentences_ai AFTER INSERT ON sentences BEGIN "
            "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END"
        ))
        conn.execute(text(
            "CREATE TRIGGER IF NOT EXISTS sentences_ad AFTER DELETE ON sentences BEGIN "
            "INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES('delete', old.id, old.text); END"
        ))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE INDEX IF NOT EXISTS ix_sentences_fts ON sentences "
            "USING GIN (to_tsvector('simple', text))"
        ))


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[facts])


def _v3(conn: Connection) -> None:
    metadata.create_all(conn, tables=[name_votes])


def _v4(conn: Connection) -> None:
    tables = [story_counts, story_dirty, story_parts, story_nodes, story_names]
    metadata.create_all(conn, tables=tables)
    for t in tables:  # left over by an older store's tables dropped by hand: rebuilt below
        conn.execute(t.delete())
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_facts_person ON facts (person)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_facts_org ON facts (org)"))
    conn.execute(text(
        "INSERT INTO story_counts (kind, name, label, n, m, c, first) "
        "SELECT 'mention', e.text, e.label, count(*), 0, count(*), min(d.seq) FROM entities e "
        "JOIN documents d ON d.id = e.doc_id GROUP BY e.text, e.label"))
    for col, label in (("person", "person"), ("org", "organisation")):
        conn.execute(text(
            f"INSERT INTO story_counts (kind, name, label, n, m, c, first) "
            f"SELECT 'fact', f.{col}, '{label}', count(*), 0, count(*), min(d.seq) FROM facts f "
            f"JOIN documents d ON d.id = f.doc_id WHERE f.{col} IS NOT NULL GROUP BY f.{col}"))
    conn.execute(text(
        "INSERT INTO story_counts (kind, name, label, n, m, c, first) "
        "SELECT 'vote', key, '', sum(per), sum(org), count(*), 0 FROM name_votes GROUP BY key"))
    conn.execute(text("INSERT INTO story_dirty (kind, value) VALUES ('all', '')"))


def _v5(conn: Connection) -> None:
    tables = [story_got, story_graph, story_map, story_entities, story_lookup, story_name_nodes]
    # the parts take new columns and lose their events to a table: made again, as every part is
    conn.execute(text("DROP TABLE IF EXISTS story_parts"))
    metadata.create_all(conn, tables=[*tables, story_parts, story_events])
    for t in [*tables, story_nodes, story_events]:
        conn.execute(t.delete())
    conn.execute(meta.delete().where(meta.c.key == "story_resolver"))  # the resolver schema 4 kept as one JSON
    conn.execute(text("DELETE FROM story_dirty WHERE kind = 'all'"))
    conn.execute(text("INSERT INTO story_dirty (kind, value) VALUES ('all', '')"))


# (version, description, function). Append only: never edit a released migration.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "documents, origins, sentences (full-text indexed), entities", _v1),
    (2, "facts (events, roles, numbers, quotes) extracted from sentences", _v2),
    (3, "name_votes (person or organisation evidence per article)", _v3),
    (4, "story_counts, story_dirty, story_parts, story_nodes, story_names (the story kept up to date)", _v4),
    (5, "story_got, story_graph, story_map, story_entities, story_lookup, story_name_nodes "
        "(the name resolver kept up to date), story_events (the timeline in order)", _v5),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
