"""The ingest run: read -> clean -> parse -> extract -> de-duplicate -> store, in batches.

Stages and executors are separate. The driver (:class:`IngestRun`) reads the inputs, skips
what the store already holds (same content hash) and cuts the rest into :class:`RawBatch`
records; an executor (``executors.py``: in this process, N local processes, or Ray) runs the
worker stage :meth:`Worker.analyse` (clean, parse, name votes, facts, MinHash) on each batch
and hands the :class:`AnalysedBatch` records back in input order; the driver alone links
near-duplicates (one LSH index), keeps the run's name votes and writes each batch in one
transaction, so memory stays flat and a failure loses at most the batches in flight.

Name votes and order independence. Whether a name is a person or an organisation is
decided by the votes of the whole store, so an article's facts depend on every other
article. A run makes them depend on the *final* votes only, whatever the number of workers
or the order batches come back in:

* each new article's own votes are read against the store's votes at run start (``base``),
  a value every worker knows, so the run's final votes (``base`` + those votes) are the same
  for any order;
* facts are first read against the votes known so far plus the batch's own (a guess) and
  the settle pass (:meth:`IngestRun.settle`) reads again, against the final
  votes, every article whose guess used a different name type or a different set of known
  names (:class:`Analysed` records which of its names only count once known);
* so every new article ends with ``extract(article, final votes)`` and the vote rows of
  ``votes(article, final votes)``: one store, identical for 1 or N workers.
"""

from __future__ import annotations

import os
import resource
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clean.cleaner import Cleaner
from .config import Settings
from .dedup.minhash import DuplicateIndex, from_bytes, signature, to_bytes
from .errors import FilrougeError
from .extract.extractor import Extractor
from .extract.mentions import KNOWN_NAME, Votes, article_votes, decide, name_key
from .ingest.manifest import Manifest
from .ingest.readers import Reader
from .models import CleanDocument, Entity, Fact, ParsedDocument, Problem, RawDocument, Sentence
from .nlp.parser import Parser
from .runtime import tune_for_batches
from .store.repository import Store

if TYPE_CHECKING:
    from .executors import Executor

VoteRow = tuple[str, float, float, str | None]  # name key, person votes, organisation votes, type used


@dataclass
class IngestReport:
    files: int = 0
    records: int = 0
    stored: int = 0
    unchanged: int = 0  # already in the store
    duplicates: int = 0  # new documents linked to an earlier copy
    reextracted: int = 0  # articles read again by the settle pass (a name's type changed)
    words: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker process

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
        self.parser = parser or Parser(settings.spacy_model, settings.parse_batch_size)
        self.cleaner = Cleaner(settings, lexicon=self.parser.lexicon)
        self.extractor = Extractor(settings.language)
        tune_for_batches()  # the models are loaded: see runtime.py

    def extract(self, p: ParsedDocument, prior: Votes | None = None) -> tuple[Fact, ...]:
        return tuple(self.extractor.extract(p.doc.body, p.doc.published, p.sentences, p.entities, prior))


def add_votes(total: dict[str, tuple[float, float]], votes: Votes) -> None:
    for k, (per, org) in votes.items():
        a, b = total.get(k, (0.0, 0.0))
        total[k] = (a + per, b + org)


def vote_rows(votes: Votes, prior: Votes) -> tuple[VoteRow, ...]:
    """What the store keeps of one article's votes: with the type its facts were read with."""
    used = decide(votes, prior)
    return tuple((k, per, org, used.get(k)) for k, (per, org) in votes.items())


def merged_rows(values: Votes, read: Votes, prior: Votes) -> tuple[VoteRow, ...]:
    """An ingested article's vote rows: the votes it adds to the store (``values``, read
    against the run's base votes, so that the store's sums do not depend on the order articles
    were read in) with the type its facts used (``decide(read, prior)``), for the keys of both
    (a key only ``read`` has adds nothing: (0, 0))."""
    used = decide(read, prior)
    keys = [*values, *(k for k in read if k not in values)]
    return tuple((k, *values.get(k, (0.0, 0.0)), used.get(k)) for k in keys)


def known(votes: Votes, key: str) -> bool:
    """Whether store-wide votes make a name known (see ``extract.mentions.KNOWN_NAME``)."""
    return sum(votes.get(key, (0.0, 0.0))) >= KNOWN_NAME


class _AllKnown(dict[str, tuple[float, float]]):
    """A prior in which every name is known: which mentions count only once a name is known."""

    def get(self, key: str, default: Any = None) -> tuple[float, float]:  # type: ignore[override]
        return (KNOWN_NAME, 0.0)


# ---- records between the driver and the worker stage ----------------------------------


@dataclass(frozen=True, slots=True)
class RawBatch:
    """Articles read by the driver, new to the store, in input order."""

    index: int
    docs: tuple[RawDocument, ...]


@dataclass(frozen=True, slots=True)
class Analysed:
    """One article through the worker stage.

    ``parsed`` carries its facts and vote rows read against the votes known when its batch
    was sent (a guess the settle pass checks) and its MinHash; ``base_votes`` are its votes
    read against the store's votes at run start, what it adds to the run's final votes;
    ``doubtful`` the keys of names it mentions only in ways that count once the name is known
    (see ``extract.mentions.article_votes``), ``doubtful_known`` those its guess took as known.
    """

    parsed: ParsedDocument
    base_votes: Votes
    doubtful: frozenset[str] = frozenset()
    doubtful_known: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AnalysedBatch:
    index: int
    items: tuple[Analysed | Problem, ...]
    worker: str = ""  # the process that analysed it
    peak_rss_mb: float = 0.0  # that process's peak resident memory so far


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """A stored article's analysis, read again by the settle pass."""

    doc_id: str
    body: str
    published: str | None
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]


@dataclass(frozen=True, slots=True)
class Refreshed:
    doc_id: str
    facts: tuple[Fact, ...]
    votes: tuple[VoteRow, ...]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Worker:
    """The worker stage: what runs on N processes or Ray actors. Holds the heavy objects,
    built on first use (a worker that only settles never loads spaCy)."""

    def __init__(self, settings: Settings, components: Components | None = None) -> None:
        self.settings = settings
        self._components = components
        self._extractor: Extractor | None = components.extractor if components else None

    @property
    def components(self) -> Components:
        if self._components is None:
            self._components = Components(self.settings)
            self._extractor = self._components.extractor
        return self._components

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            self._extractor = Extractor(self.settings.language)
        return self._extractor

    def analyse(self, batch: RawBatch, base: Votes, prior: Votes) -> AnalysedBatch:
        """Clean, parse, vote, extract and sign one batch. ``base``: the store's votes at run
        start; ``prior``: the votes known so far (base included, this batch not)."""
        comps = self.components
        items: list[Analysed | Problem] = []
        clean: list[CleanDocument] = []
        for item in comps.cleaner(batch.docs):
            if isinstance(item, Problem):
                items.append(item)
            else:
                clean.append(item)
        ex, lex = comps.extractor, comps.extractor.lex
        docs = list(comps.parser(clean))
        base_votes = [ex.votes(p.doc.body, p.sentences, p.entities, base) for p in docs]
        # the guess: the votes known so far and this batch's own (the first batches of an
        # empty store would otherwise know no name at all)
        guess = dict(prior)
        for v in base_votes:
            add_votes(guess, v)
        for p, own in zip(docs, base_votes, strict=True):
            body, sents, ents = p.doc.body, p.sentences, p.entities
            votes = ex.votes(body, sents, ents, guess)
            kept = {(e.start, e.end, n) for e, n in article_votes(body, sents, ents, lex, None)[0]}
            doubtful = frozenset(name_key(n, lex) for e, n in article_votes(body, sents, ents, lex, _AllKnown())[0]
                                 if (e.start, e.end, n) not in kept)
            m = signature(body, self.settings.minhash_perm)
            parsed = replace(p, minhash=to_bytes(m), facts=comps.extract(p, guess),
                             votes=merged_rows(own, votes, guess))
            items.append(Analysed(parsed, own, doubtful, frozenset(k for k in doubtful if known(guess, k))))
        return AnalysedBatch(batch.index, tuple(items), str(os.getpid()), peak_rss_mb())

    def refresh(self, docs: Iterable[StoredAnalysis], base: Votes, final: Votes) -> list[Refreshed]:
        """Facts and vote rows of stored articles read again against the final votes (the
        rows keep the votes read against ``base``, as :meth:`analyse` wrote them)."""
        ex = self.extractor
        out = []
        for d in docs:
            values = ex.votes(d.body, d.sentences, d.entities, base)
            votes = ex.votes(d.body, d.sentences, d.entities, final)
            facts = ex.extract(d.body, d.published, d.sentences, d.entities, final)
            out.append(Refreshed(d.doc_id, tuple(facts), merged_rows(values, votes, final)))
        return out


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class IngestRun:
    """The driver: reads, hands batches to an executor, links duplicates, writes, settles.

    ``executor`` defaults to the in-process one over ``components``; with another executor
    ``components`` may be None (the driver itself never parses)."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        components: Components | None = None,
        manifest: Manifest | None = None,
        on_file: Callable[[str], None] | None = None,
        on_problem: Callable[[Problem], None] | None = None,
        executor: Executor | None = None,
    ) -> None:
        from .executors import InProcessExecutor

        self.settings = settings
        self.store = store
        self.components = components
        self.manifest = manifest
        self.on_file = on_file or (lambda _p: None)
        self.on_problem = on_problem or (lambda _p: None)
        self.executor: Executor = executor or InProcessExecutor(Worker(settings, components))
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
        known_here: set[str] = set()
        for path, _kind in files:
            self.report.files += 1
            for rec in reader([path]):
                if isinstance(rec, Problem):
                    self._problem(rec)
                    continue
                self.report.records += 1
                h = rec.content_hash
                if h in known_here or self.store.known_ids([h]):
                    self.report.unchanged += 1
                    self.store.add_origins([(h, rec.origin)])
                    continue
                known_here.add(h)
                yield rec
            self.on_file(str(path))

    def batches(self, files: list[tuple[Path, str]]) -> Iterator[RawBatch]:
        for i, docs in enumerate(chunks(self._raw(files), self.settings.batch_size)):
            yield RawBatch(i, tuple(docs))

    def run(self, paths: Iterable[Path], files: list[tuple[Path, str]] | None = None) -> IngestReport:
        if files is None:
            files = self.list_files(paths)
        index = DuplicateIndex(self.settings.near_duplicate_threshold, self.settings.minhash_perm)
        index.load(self.store.signatures())
        if self.components is None:
            # a driver that loads no model (the workers do) still unpickles every batch they
            # send and builds the rows it writes: its long-lived objects (the index just loaded)
            # out of the collector's reach (unpickling a batch took 2.8x longer with the
            # collector's default thresholds). A run given components (the app's upload) was
            # tuned when they were built.
            tune_for_batches()
        next_seq = max((k.seq for k in index.known.values()), default=0)
        base = self.store.name_votes()
        final = dict(base)  # base + each new article's base votes: the run's final votes
        doubtful: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        ours: set[str] = set()  # this run's articles
        for result in self.executor.analyse(self.batches(files), base, lambda: final):
            if result.worker:
                self.report.worker_peak_rss_mb[result.worker] = result.peak_rss_mb
            parsed: list[ParsedDocument] = []
            links: dict[str, tuple[str | None, float | None]] = {}
            for item in result.items:
                if isinstance(item, Problem):
                    self._problem(item)
                    continue
                p = item.parsed
                add_votes(final, item.base_votes)
                ours.add(p.doc.content_hash)
                if item.doubtful:
                    doubtful[p.doc.content_hash] = (item.doubtful, item.doubtful_known)
                next_seq += 1
                new_links = index.add(p.doc.content_hash, next_seq, p.doc.published,
                                      from_bytes(p.minhash, self.settings.minhash_perm))
                links.update(new_links)
                if new_links.get(p.doc.content_hash, (None, None))[0]:
                    self.report.duplicates += 1
                parsed.append(p)
                self.report.words += p.doc.word_count
            added = self.store.write_batch(parsed, links)  # one transaction
            self.report.stored += len(added)
            self.report.unchanged += len(parsed) - len(added)  # stored meanwhile by another run
        self.report.reextracted = self.settle(base, doubtful, ours)
        if self.report.stored or self.report.reextracted:
            self._keep_story()
        return self.report

    def _keep_story(self) -> None:
        """Bring the story kept in the store up to date for what this run changed, so that the
        next query or app page reads it instead of computing it (a failure here loses nothing:
        the next reader brings it up to date)."""
        from .story.materialized import refresh

        try:
            refresh(self.store)
        except FilrougeError:
            pass

    def stale(self, final: Votes, base: Votes, doubtful: dict[str, tuple[frozenset[str], frozenset[str]]],
              ours: set[str]) -> set[str]:
        """Stored articles whose facts were read with another name type than ``final`` gives,
        or, for this run's articles (``doubtful``), with another set of known names. For
        articles of earlier runs, a name they voted on that became known in this run."""
        types = decide(final)
        newly_known = {k for k in final if known(final, k) and not known(base, k)}
        out: set[str] = set()
        for doc_id, key, used in self.store.vote_rows():
            if key in final and types.get(key) != used:
                out.add(doc_id)
            elif key in newly_known and doc_id not in ours:
                out.add(doc_id)
        for doc_id, (keys, known_then) in doubtful.items():
            if frozenset(k for k in keys if known(final, k)) != known_then:
                out.add(doc_id)
        return out

    def settle(self, base: Votes, doubtful: dict[str, tuple[frozenset[str], frozenset[str]]] | None = None,
               ours: set[str] | None = None) -> int:
        """Read again, on the executor, the articles :meth:`stale` names, against the store's
        votes now (this run's and any other writer's); facts and vote rows are replaced one
        article per transaction."""
        final = self.store.name_votes()
        ids = self.stale(final, base, doubtful or {}, ours or set())
        if not ids:
            return 0
        todo = (StoredAnalysis(*row) for row in self.store.analyses(ids))
        # shared among the workers: a few articles to read again are not one worker's chunk
        # while the others wait
        workers = max(1, self.executor.workers)
        size = max(1, min(self.settings.batch_size, -(-len(ids) // workers)))
        n = 0
        for done in self.executor.refresh(chunks(todo, size), base, final):
            for r in done:
                if self.store.replace_facts(r.doc_id, r.facts, r.votes) is not False:
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
