"""Typed records that cross every stage boundary.

Flow:  RawDocument --clean--> CleanDocument --nlp--> ParsedDocument --extract--> Fact --store-->
A stage that cannot use an input yields a :class:`Problem` instead of raising, so the
rest of a batch goes on and the CLI can report each failure on one line.
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field
from typing import Any, Literal

RawKind = Literal["text", "html"]
PublishedBasis = Literal["manifest", "metadata", "html meta", "text", "url", "none"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One input that could not be used: where (file[:line|#record]) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """Metadata supplied by a manifest row for one path."""

    path: str
    url: str | None = None
    published: str | None = None  # ISO 8601, possibly YYYY-MM or YYYY
    source: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its container, before cleaning."""

    origin: str  # file path, plus ":line" (JSONL), "#item-N" (feeds) or "#record-N" (WARC)
    kind: RawKind
    content: str
    url: str | None = None
    title: str | None = None
    published: str | None = None  # from the container (JSONL field, feed date) or manifest
    published_basis: PublishedBasis = "none"
    source: str | None = None
    encoding_flags: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.kind}\0{self.content}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of the page the cleaner took out, and why."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the clean body with its character span and language."""

    start: int
    end: int
    language: str  # ISO 639-1 code, "und" when unknown
    foreign: bool = False  # not in the document's language: not parsed
    # spans (start, end, language) of foreign fragments inside a paragraph of the main language
    fragments: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """What the cleaner makes of one page."""

    origin: str
    content_hash: str
    title: str | None
    published: str | None
    published_basis: PublishedBasis
    body: str
    comments: tuple[str, ...]
    removed: tuple[Removal, ...]
    flags: tuple[str, ...]
    language: str
    paragraphs: tuple[Paragraph, ...]
    url: str | None = None
    source: str | None = None
    kind: RawKind = "text"

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def to_json(self) -> dict[str, object]:
        return {
            "origin": self.origin,
            "title": self.title,
            "published": self.published,
            "published_basis": self.published_basis,
            "url": self.url,
            "source": self.source,
            "language": self.language,
            "word_count": self.word_count,
            "body": self.body,
            "comments": list(self.comments),
            "removed": [{"text": r.text, "reason": r.reason} for r in self.removed],
            "flags": list(self.flags),
            "paragraphs": [
                {
                    "start": p.start,
                    "end": p.end,
                    "language": p.language,
                    "foreign": p.foreign,
                    "fragments": [list(f) for f in p.fragments],
                }
                for p in self.paragraphs
            ],
        }


@dataclass(frozen=True, slots=True)
class Token:
    start: int  # offsets into the clean body
    end: int
    lemma: str
    pos: str
    dep: str
    head: int  # index of the head token inside the sentence
    morph: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str  # spaCy label: PER, ORG, LOC, MISC


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """A clean document with its linguistic analysis (offsets into ``doc.body``)."""

    doc: CleanDocument
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    minhash: bytes = field(default=b"", repr=False)
    facts: tuple[Fact, ...] = ()
    # (name key, person votes, organisation votes, type the facts were extracted with)
    votes: tuple[tuple[str, float, float, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact or event stated by one sentence of one article.

    Names are surface forms as written (``person``/``org``); they are resolved to entities
    across articles at query time, so that an alias file can correct them without a re-run.
    """

    type: str  # an event name (appointment, dismissal, ...) or "role", "age"
    sentence: int  # index of the sentence in its document
    start: int  # evidence span (offsets into the clean body)
    end: int
    person: str | None = None
    org: str | None = None
    role: str | None = None  # canonical English label
    role_surface: str | None = None
    interim: bool = False
    date: str | None = None  # first day of the interval (ISO), None when unknown
    date_end: str | None = None  # last day of the interval
    granularity: str | None = None  # day, month, year, season, week, part-of-day
    date_text: str | None = None  # the words the date was read from
    date_basis: str | None = None  # text | context | published
    negated: bool = False
    modality: str = "stated"  # stated | reported | hypothetical | plan
    org_inferred: bool = False  # organisation taken from the article's context, not the sentence
    detail: dict[str, Any] = field(default_factory=dict)  # quote, speaker, value, count, total...

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type, "sentence": self.sentence, "start": self.start, "end": self.end,
            "person": self.person, "org": self.org, "role": self.role, "role_surface": self.role_surface,
            "interim": self.interim, "date": self.date, "date_end": self.date_end,
            "granularity": self.granularity, "date_text": self.date_text, "date_basis": self.date_basis,
            "negated": self.negated, "modality": self.modality, "org_inferred": self.org_inferred,
            **self.detail,
        }


def _reducer(cls: type) -> Any:
    args = operator.attrgetter(*cls.__slots__)  # type: ignore[attr-defined]
    return lambda self: (cls, args(self))


# Records cross process boundaries (a parsed batch, tens of thousands of tokens, goes from a
# worker process to the driver). Pickled as their constructor's arguments, they take half the
# time the dataclass default (a state dict built field by field) takes each way. Every field
# of these records is an __init__ argument, in __slots__ order.
for _cls in (Problem, ManifestEntry, RawDocument, Removal, Paragraph, CleanDocument, Token, Entity, Sentence,
             ParsedDocument, Fact):
    _cls.__reduce__ = _reducer(_cls)  # type: ignore[method-assign,assignment]
