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


# (version, description, function). Append only: never edit a released migration.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "documents, origins, sentences (full-text indexed), entities", _v1),
    (2, "facts (events, roles, numbers, quotes) extracted from sentences", _v2),
    (3, "name_votes (person or organisation evidence per article)", _v3),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
