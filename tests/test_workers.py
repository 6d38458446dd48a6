"""--workers N: the same store as one worker (documents, facts, duplicate links, name votes),
whatever the order batches come back in; the settle pass leaves every article's facts read
against the final name votes only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filrouge.cli import app
from filrouge.config import Settings
from filrouge.ingest.manifest import load_manifest
from filrouge.pipeline import IngestRun, Worker, add_votes
from filrouge.store.repository import Store

from conftest import ROOT

pytestmark = pytest.mark.slow
EXAMPLES = ROOT / "examples"


def snapshot(url: str) -> dict[str, object]:
    """What a store holds, by content: no row ids, no sequence numbers, no timestamps."""
    store = Store(url)
    docs = {}
    for r in store.documents():
        d = store.document(r.id)
        assert d is not None
        docs[r.id] = {k: d[k] for k in ("origin", "title", "published", "published_basis", "body", "language",
                                         "url", "source") if k in d}
        docs[r.id]["duplicate_of"] = r.duplicate_of
        docs[r.id]["sentences"] = [(s["start"], s["end"], s["text"]) for s in store.sentences_of(r.id)]
        docs[r.id]["entities"] = [(e["start"], e["end"], e["label"]) for e in store.entities_of(r.id)]
    facts = sorted(json.dumps({k: v for k, v in f.items() if k not in ("id", "seq")}, sort_keys=True, default=str)
                   for f in store.facts())
    return {"documents": docs, "facts": facts, "votes": sorted(store.vote_rows()),
            "name_votes": sorted(store.name_votes().items())}


def cli_ingest(db: Path, *extra: str) -> None:
    res = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--manifest", str(EXAMPLES / "manifest.csv"),
                                   "--db", str(db), "--quiet", *extra])
    assert res.exit_code == 0, res.output


def test_two_workers_give_the_store_of_one(tmp_path):
    cli_ingest(tmp_path / "one.db", "--workers", "1")
    cli_ingest(tmp_path / "two.db", "--workers", "2")
    one, two = snapshot(f"sqlite:///{tmp_path / 'one.db'}"), snapshot(f"sqlite:///{tmp_path / 'two.db'}")
    assert len(one["documents"]) == 12 and one["facts"]
    assert sum(1 for d in one["documents"].values() if d["duplicate_of"]) == 1
    for key in ("documents", "facts", "votes", "name_votes"):
        assert one[key] == two[key], key


def _ingest(url: str, components, batch_size: int, order: list[Path] | None = None) -> IngestRun:
    settings = Settings(db_url=url, batch_size=batch_size)
    run = IngestRun(settings, Store(url), components, load_manifest(EXAMPLES / "manifest.csv"))
    files = run.list_files([EXAMPLES])
    if order is not None:
        files = [f for p in order for f in files if f[0] == p]
    run.run([EXAMPLES], files)
    return run


def test_facts_depend_only_on_the_final_votes(tmp_path, components):
    """Batches of 1, 3 and 32 articles (speculative priors that differ a lot) give the same
    facts, and those are what every article reads against the final votes."""
    runs = {n: _ingest(f"sqlite:///{tmp_path / f'b{n}.db'}", components, n) for n in (1, 3, 32)}
    snaps = {n: snapshot(run.store.url) for n, run in runs.items()}
    assert snaps[1]["facts"] == snaps[3]["facts"] == snaps[32]["facts"]
    assert snaps[1]["votes"] == snaps[3]["votes"] == snaps[32]["votes"]
    assert runs[1].report.reextracted > 0  # the first articles guessed with no votes at all
    # the reference: every article's own votes against the (empty) base, summed; then facts
    store = runs[32].store
    ex = Worker(Settings(), components).extractor
    final: dict[str, tuple[float, float]] = {}
    analyses = list(store.analyses())
    for _id, body, _pub, sents, ents in analyses:
        add_votes(final, ex.votes(body, sents, ents, {}))
    assert final == store.name_votes()
    fields = ("type", "start", "end", "person", "org", "role", "interim", "date", "date_end", "modality",
              "negated", "date_basis")
    want = sorted((doc_id, f.sentence, *(getattr(f, k) for k in fields), json.dumps(f.detail, sort_keys=True))
                  for doc_id, body, pub, sents, ents in analyses
                  for f in ex.extract(body, pub, sents, ents, final))
    got = sorted((f["doc_id"], f["sentence_idx"], *(f[k] for k in fields), json.dumps(f["detail"], sort_keys=True))
                 for f in store.facts())
    assert got == want


def test_input_order_changes_nothing_but_ingestion_order_ties(tmp_path, components):
    """Reading the files in reverse gives the same facts and votes. Only which copy of a
    duplicate pair is the original may change: the two copies of the example share their
    publication day, and then ingestion order decides (see dedup.minhash)."""
    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html", ".rss", ".jsonl"))
    a = snapshot(_ingest(f"sqlite:///{tmp_path / 'a.db'}", components, 4, files).store.url)
    b = snapshot(_ingest(f"sqlite:///{tmp_path / 'b.db'}", components, 4, files[::-1]).store.url)

    def facts(s: dict) -> list[str]:
        return sorted(json.dumps({k: v for k, v in json.loads(f).items() if k != "duplicate_of"}, sort_keys=True)
                      for f in s["facts"])

    def pairs(s: dict) -> set[frozenset[str]]:
        return {frozenset((k, v["duplicate_of"])) for k, v in s["documents"].items() if v["duplicate_of"]}

    assert facts(a) == facts(b) and a["name_votes"] == b["name_votes"] and a["votes"] == b["votes"]
    assert pairs(a) == pairs(b) and len(pairs(a)) == 1


def test_workers_option_is_checked(tmp_path):
    res = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "x.db"), "--workers", "0"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "x.db"), "--ray-address", "x:1"])
    assert res.exit_code == 2 and "--executor ray" in res.output
