"""End to end: the bundled example through the pipeline and the CLI, on a real SQLite file
and a real PostgreSQL server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filrouge.cli import app
from filrouge.config import Settings
from filrouge.ingest.manifest import load_manifest
from filrouge.pipeline import IngestRun
from filrouge.store.repository import Store

from conftest import ROOT

pytestmark = pytest.mark.slow
EXAMPLES = ROOT / "examples"

WIRE = ("L'entreprise de transport Ferroviaire du Nord a annoncé mardi la nomination de Claire Martin au poste "
        "de directrice générale, en remplacement de Paul Bernard, parti à la retraite après vingt ans. "
        "Claire Martin dirigeait jusqu'ici la filiale de fret du groupe. Elle prendra ses fonctions le 1er juin. "
        "Le conseil d'administration salue une transition préparée de longue date et confirme ses objectifs "
        "de croissance pour les trois prochaines années, malgré un marché difficile.")
REPOST = WIRE.replace("a annoncé mardi", "a officialisé mardi").replace("malgré un marché difficile",
                                                                        "en dépit d'un marché difficile")
PARAPHRASE = ("Changement de tête chez Ferroviaire du Nord : Paul Bernard part à la retraite et c'est Claire Martin, "
              "jusqu'alors patronne de l'activité fret, qui lui succède à la direction générale dès juin. Pour le "
              "conseil, ce passage de témoin était prévu depuis longtemps ; les ambitions de développement restent "
              "inchangées sur trois ans même si le secteur traverse une passe délicate.")


def ingest(store, components, paths, manifest=None):
    run = IngestRun(Settings(db_url=store.url), store, components, manifest)
    return run.run([Path(p) for p in paths])


def test_examples_stored_parsed_and_idempotent(db_url, components):
    store = Store(db_url)
    man = load_manifest(EXAMPLES / "manifest.csv")
    rep = ingest(store, components, [EXAMPLES], man)
    assert not rep.problems
    assert rep.stored == 12 and rep.duplicates == 1 and rep.skipped == {".md": 1}
    n_sent, n_ent = store.count("sentences"), store.count("entities")
    assert n_sent > 50 and n_ent > 20
    rows = {Path(r.origin.split("#")[0].split(":")[0]).name + r.origin[len(r.origin.split("#")[0]):]: r
            for r in store.documents()}
    repost = rows["08-reprise-depeche.txt"]
    assert repost.duplicate_of == rows["01-depeche-licenciement.txt"].id
    assert rows["07-analyse-sans-date.txt"].published is None
    assert rows["04-portail-shear.html"].published_basis in ("html meta", "url")
    # every stored sentence points into its document's body
    doc = store.document(rows["02-brockman-mojibake.txt"].id)
    assert "salariés" in doc["body"] and any("mojibake" in f for f in doc["flags"])
    for s in store.sentences_of(doc["id"]):
        assert doc["body"][s["start"]:s["end"]] == s["text"]
    for e in store.entities_of(doc["id"]):
        assert doc["body"][e["start"]:e["end"]] == e["text"]
    # re-ingesting changes nothing
    rep2 = ingest(store, components, [EXAMPLES], man)
    assert rep2.stored == 0 and rep2.unchanged == 12
    assert (store.count(), store.count("sentences"), store.count("entities")) == (12, n_sent, n_ent)
    hits = store.search("intérim")
    assert hits and all("<mark>" in h["hit"] for h in hits)


def test_comments_are_not_parsed(db_url, components):
    store = Store(db_url)
    ingest(store, components, [EXAMPLES / "03-negociations-commentaires.txt"])
    doc_id = store.documents()[0].id
    doc = store.document(doc_id)
    assert len(doc["comments"]) == 3
    assert all("série télé" not in s["text"] for s in store.sentences_of(doc_id))


def test_near_duplicates_link_to_earliest_copy_and_paraphrase_is_not_linked(tmp_path, db_url, components):
    (tmp_path / "repost.jsonl").write_text(json.dumps({"text": REPOST, "published": "2024-03-06"}) + "\n")
    (tmp_path / "wire.jsonl").write_text(json.dumps({"text": WIRE, "published": "2024-03-05"}) + "\n")
    (tmp_path / "para.jsonl").write_text(json.dumps({"text": PARAPHRASE, "published": "2024-03-04"}) + "\n")
    store = Store(db_url)
    ingest(store, components, [tmp_path / "repost.jsonl"])  # the later copy arrives first
    ingest(store, components, [tmp_path / "wire.jsonl", tmp_path / "para.jsonl"])
    rows = {r.origin.rsplit("/", 1)[1].split(".")[0]: r for r in store.documents()}
    assert rows["wire"].duplicate_of is None
    assert rows["repost"].duplicate_of == rows["wire"].id and rows["repost"].similarity >= 0.5
    assert rows["para"].duplicate_of is None


def test_bad_inputs_batch_goes_on(tmp_path, db_url):
    good = tmp_path / "in"
    good.mkdir()
    (good / "ok.txt").write_text(WIRE)
    (good / "empty.txt").write_text("")
    (good / "bad.jsonl").write_text("{oops\n" + json.dumps({"text": PARAPHRASE}) + "\n")
    (good / "trunc.html").write_text("<html><body><article><p>" + WIRE[:300])
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(good), "--db", db_url, "--quiet"])
    assert res.exit_code == 1, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("bad.jsonl:1: malformed JSON" in e for e in errors)
    assert "Traceback" not in res.output
    store = Store(db_url)
    assert store.count() == 3  # ok.txt, the good JSONL line, the truncated HTML
    res2 = runner.invoke(app, ["ingest", str(good), "--db", db_url, "--json"])
    assert res2.exit_code == 1
    report = json.loads(res2.stdout)
    assert report["stored"] == 0 and report["unchanged"] == 3 and len(report["problems"]) == 2
    assert store.count() == 3


def test_cli_clean_and_docs_json(tmp_path, db_url):
    runner = CliRunner()
    res = runner.invoke(app, ["clean", str(EXAMPLES / "03-negociations-commentaires.txt"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {"title", "published", "published_basis", "body", "comments", "removed", "flags", "language"} <= set(data)
    assert data["published"] == "2023-11-19T18:30:00" and data["published_basis"] == "text"
    assert len(data["comments"]) == 3 and data["language"] == "fr"
    assert all({"text", "reason"} == set(r) for r in data["removed"])
    res = runner.invoke(app, ["ingest", str(EXAMPLES / "09-retour-altman.txt"), "--db", db_url, "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["docs", "--db", db_url, "--json"])
    doc = json.loads(res.stdout)["documents"][0]
    assert {"id", "path", "url", "source", "title", "published", "published_basis", "language", "word_count",
            "duplicate_of"} <= set(doc)
    assert doc["published"] == "2023-11-22"
    res = runner.invoke(app, ["docs", "--db", str(tmp_path / "nodir" / "x" / "s.db")])
    assert res.exit_code == 2 and "error:" in res.stderr and "Traceback" not in res.output


def test_clean_reports_bad_file(tmp_path):
    (tmp_path / "e.txt").write_text("")
    res = CliRunner().invoke(app, ["clean", str(tmp_path / "e.txt")])
    assert res.exit_code == 1 and "e.txt: empty file" in res.stderr


@pytest.mark.postgres
def test_postgres_same_code(postgres_url, components):
    store = Store(postgres_url)
    assert store.dialect == "postgresql"
    from sqlalchemy import text

    with store.engine.begin() as conn:  # a clean database for this test
        for t in ("entities", "sentences", "origins", "documents", "meta"):
            conn.execute(text(f"DROP TABLE IF EXISTS {t} CASCADE"))
    store = Store(postgres_url)
    man = load_manifest(EXAMPLES / "manifest.csv")
    rep = ingest(store, components, [EXAMPLES], man)
    assert rep.stored == 12 and rep.duplicates == 1 and not rep.problems
    rep2 = ingest(store, components, [EXAMPLES], man)
    assert rep2.stored == 0 and store.count() == 12
    assert store.search("intérim")
