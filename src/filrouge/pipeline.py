"""The ingest run: read -> clean -> parse -> extract -> de-duplicate -> store, in batches.

Each batch of ``settings.batch_size`` documents is parsed with one ``nlp.pipe`` call and
written in one transaction, so memory stays flat and a failure loses at most one batch.
Documents already in the store (same content hash) are not parsed again: re-ingesting
the same files changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clean.cleaner import Cleaner
from .config import Settings
from .dedup.minhash import DuplicateIndex, signature, to_bytes
from .extract.extractor import Extractor
from .extract.mentions import Votes, decide
from .ingest.manifest import Manifest
from .ingest.readers import Reader
from .models import CleanDocument, Fact, ParsedDocument, Problem, RawDocument
from .nlp.parser import Parser
from .store.repository import Store


@dataclass
class IngestReport:
    files: int = 0
    records: int = 0
    stored: int = 0
    unchanged: int = 0  # already in the store
    duplicates: int = 0  # new documents linked to an earlier copy
    reextracted: int = 0  # stored documents read again because a name's type changed
    words: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files, "records": self.records, "stored": self.stored,
            "unchanged": self.unchanged, "duplicates": self.duplicates,
            "reextracted": self.reextracted, "words": self.words,
            "skipped": dict(self.skipped), "problems": [str(p) for p in self.problems],
        }


class Components:
    """The heavy objects of a run (spaCy model, cleaner), built once and shared."""

    def __init__(self, settings: Settings, parser: Parser | None = None) -> None:
        self.settings = settings
        self.parser = parser or Parser(settings.spacy_model, settings.batch_size)
        self.cleaner = Cleaner(settings, lexicon=self.parser.lexicon)
        self.extractor = Extractor(settings.language)

    def extract(self, p: ParsedDocument, prior: Votes | None = None) -> tuple[Fact, ...]:
        return tuple(self.extractor.extract(p.doc.body, p.doc.published, p.sentences, p.entities, prior))


def add_votes(total: dict[str, tuple[float, float]], votes: Votes) -> None:
    for k, (per, org) in votes.items():
        a, b = total.get(k, (0.0, 0.0))
        total[k] = (a + per, b + org)


def vote_rows(votes: Votes, prior: Votes) -> tuple[tuple[str, float, float, str | None], ...]:
    """What the store keeps of one article's votes: with the type its facts were read with."""
    used = decide(votes, prior)
    return tuple((k, per, org, used.get(k)) for k, (per, org) in votes.items())


def _batches(items: Iterable[CleanDocument], size: int) -> Iterator[list[CleanDocument]]:
    batch: list[CleanDocument] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class IngestRun:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        components: Components,
        manifest: Manifest | None = None,
        on_file: Callable[[str], None] | None = None,
        on_problem: Callable[[Problem], None] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.components = components
        self.manifest = manifest
        self.on_file = on_file or (lambda _p: None)
        self.on_problem = on_problem or (lambda _p: None)
        self.report = IngestReport()

    def _problem(self, p: Problem) -> None:
        self.report.problems.append(p)
        self.on_problem(p)

    def list_files(self, paths: Iterable[Path]) -> list[tuple[Path, str]]:
        reader = Reader(self.manifest, self.settings.max_file_bytes)
        files: list[tuple[Path, str]] = []
        for item in reader.files(paths):
            if isinstance(item, Problem):
                self._problem(item)
            else:
                files.append(item)
        self.report.skipped.update(reader.stats.skipped)
        return files

    def _raw(self, files: list[tuple[Path, str]]) -> Iterator[RawDocument]:
        reader = Reader(self.manifest, self.settings.max_file_bytes)
        known: set[str] = set()
        for path, _kind in files:
            self.report.files += 1
            for rec in reader([path]):
                if isinstance(rec, Problem):
                    self._problem(rec)
                    continue
                self.report.records += 1
                h = rec.content_hash
                if h in known or self.store.known_ids([h]):
                    self.report.unchanged += 1
                    self.store.add_origins([(h, rec.origin)])
                    continue
                known.add(h)
                yield rec
            self.on_file(str(path))

    def _clean(self, raws: Iterable[RawDocument]) -> Iterator[CleanDocument]:
        for item in self.components.cleaner(raws):
            if isinstance(item, Problem):
                self._problem(item)
            else:
                yield item

    def run(self, paths: Iterable[Path], files: list[tuple[Path, str]] | None = None) -> IngestReport:
        if files is None:
            files = self.list_files(paths)
        index = DuplicateIndex(self.settings.near_duplicate_threshold, self.settings.minhash_perm)
        index.load(self.store.signatures())
        next_seq = max((k.seq for k in index.known.values()), default=0)
        parser = self.components.parser
        extractor = self.components.extractor
        # store-wide person/organisation evidence, grown batch by batch; settled at the end
        prior = self.store.name_votes()
        for batch in _batches(self._clean(self._raw(files)), self.settings.batch_size):
            parsed: list[ParsedDocument] = []
            links: dict[str, tuple[str | None, float | None]] = {}
            docs = list(parser(batch))
            local = [extractor.votes(p.doc.body, p.sentences, p.entities, prior) for p in docs]
            for v in local:
                add_votes(prior, v)
            for p, votes in zip(docs, local, strict=True):
                m = signature(p.doc.body, self.settings.minhash_perm)
                next_seq += 1
                new_links = index.add(p.doc.content_hash, next_seq, p.doc.published, m)
                links.update(new_links)
                if new_links.get(p.doc.content_hash, (None, None))[0]:
                    self.report.duplicates += 1
                parsed.append(ParsedDocument(p.doc, p.sentences, p.entities, to_bytes(m),
                                             self.components.extract(p, prior), vote_rows(votes, prior)))
                self.report.words += p.doc.word_count
            self.store.write_batch(parsed, links)
            self.report.stored += len(parsed)
        if self.report.stored:
            self.report.reextracted = settle(self.store, extractor)
        return self.report


def settle(store: Store, extractor: Extractor) -> int:
    """Re-read the stored articles whose facts used a name type the whole store now disagrees
    with (a name one article took for a person is an organisation in the others)."""
    final = store.name_votes()
    types = decide(final)
    stale = {doc for doc, key, used in store.vote_rows() if types.get(key) != used}
    n = 0
    for doc_id, body, published, sents, ents in store.analyses(stale):
        votes = extractor.votes(body, sents, ents, final)
        store.replace_facts(doc_id, extractor.extract(body, published, sents, ents, final), vote_rows(votes, final))
        n += 1
    return n


def reextract(store: Store, extractor: Extractor, on_doc: Callable[[str], None] | None = None) -> int:
    """Extract the facts of every stored document again (after a vocabulary change): first
    every article's name votes, then the facts with the store-wide votes."""
    known = store.name_votes()
    votes = {doc_id: extractor.votes(body, sents, ents, known) for doc_id, body, _p, sents, ents in store.analyses()}
    prior: dict[str, tuple[float, float]] = {}
    for v in votes.values():
        add_votes(prior, v)
    n = 0
    for doc_id, body, published, sents, ents in store.analyses():
        store.replace_facts(doc_id, extractor.extract(body, published, sents, ents, prior),
                            vote_rows(votes[doc_id], prior))
        n += 1
        if on_doc:
            on_doc(doc_id)
    return n
