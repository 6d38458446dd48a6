"""The story layer: extraction from the project's own small French texts, merging across
sources, role intervals, conflicts vs updates, alias files, the CLI contract, and the
quality floors on the seed gold (skipped without ../shared)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from filrouge.cli import app
from filrouge.story import load_story
from filrouge.story.evaluate import evaluate, load_gold
from filrouge.store.repository import Store

from conftest import shared_path

# A small story of our own: an invented company, told by three invented outlets.
STORY = {
    "a.txt": ("2024-03-11", "Séisme chez Vireo : la directrice générale limogée\n\n"
              "Vendredi soir, le conseil d'administration de Vireo a annoncé le licenciement de Claire Fontaine. "
              "Claire Fontaine, PDG de Vireo depuis 2019, n'a pas commenté. "
              "Paul Renard, directeur financier de Vireo, a été nommé PDG par intérim. "
              "La société compte 300 salariés en tout. "
              "Plus de 100 salariés de Vireo ont signé une lettre de soutien.\n"),
    "b.txt": ("2024-03-12", "Vireo : la patronne remerciée\n\n"
              "Samedi, Vireo a limogé Claire Fontaine. "
              "Selon nos informations, elle pourrait rejoindre Helix. "
              "Vireo emploie 450 salariés. "
              "Elle était revenue à Vireo pour discuter avec ses anciens collègues.\n"),
    "c.txt": ("2024-03-20", "Vireo : la fronde s'étend\n\n"
              "Désormais, 250 salariés sur 300 ont signé la lettre demandant le retour de Claire Fontaine. "
              "« Nous voulons retrouver notre cap », a déclaré Marc Olivier, délégué du personnel.\n"),
}


@pytest.fixture(scope="module")
def story_db(tmp_path_factory, components):
    from filrouge.config import Settings
    from filrouge.ingest.manifest import load_manifest
    from filrouge.pipeline import IngestRun

    root = tmp_path_factory.mktemp("story")
    rows = ["path,published,source"]
    for name, (pub, text) in STORY.items():
        (root / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{pub},outlet-{name[0]}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    url = f"sqlite:///{root / 'story.db'}"
    manifest = load_manifest(root / "manifest.csv")
    IngestRun(Settings(db_url=url), Store(url), components, manifest).run([root])
    return url


def test_events_merge_with_dates_and_a_conflict(story_db):
    story = load_story(Store(story_db))
    dismissals = [e for e in story.timeline() if e["type"] == "dismissal" and e["person"] == "Claire Fontaine"]
    assert len(dismissals) == 1, dismissals
    ev = dismissals[0]
    assert ev["org"] == "Vireo" and ev["support"] == 2
    assert ev["date"] == "2024-03-08"  # vendredi before 2024-03-11
    assert list(ev["conflicting_dates"]) == ["2024-03-09"]  # samedi before 2024-03-12
    kinds = {(c["kind"], c["about"]) for c in story.conflicts()}
    assert ("conflict", "day of the dismissal of Claire Fontaine (Vireo)") in kinds


def test_hypothetical_and_visits_are_not_events(story_db):
    story = load_story(Store(story_db))
    types = {(e["type"], e["person"]) for e in story.timeline()}
    assert ("hire", "Claire Fontaine") not in types  # "pourrait rejoindre"
    assert ("return", "Claire Fontaine") not in types  # a visit, and a demand
    hyp = [f for f in story.facts if f["type"] == "hire"]
    assert all(f["modality"] == "hypothetical" for f in hyp)


def test_roles_interim_and_holders(story_db):
    story = load_story(Store(story_db))
    before = story.holders("Vireo", "PDG", date(2024, 3, 1))
    assert [h.name for h in before] == ["Claire Fontaine"]
    after = story.holders("Vireo", "directeur général", date(2024, 3, 10))
    assert [(h.name, h.interim) for h in after] == [("Paul Renard", True)]
    cfo = story.holders("Vireo", "CFO", date(2024, 3, 1))
    assert [h.name for h in cfo] == ["Paul Renard"]


def test_counts_update_versus_conflict(story_db):
    story = load_story(Store(story_db))
    items = {c["about"]: c for c in story.conflicts()}
    petition = items["people signing or threatening to leave (Vireo)"]
    assert petition["kind"] == "update"  # 100+ then 250 of 300, a week later
    head = items["Vireo head-count"]
    assert head["kind"] == "conflict"  # 300 vs 450 the next day
    assert {"300", "450"} <= {v["value"] for v in head["values"]}


def test_quotes_have_speakers(story_db):
    story = load_story(Store(story_db))
    quotes = [f for f in story.facts if f["type"] == "quote"]
    assert [(q["person"], q["detail"]["quote"]) for q in quotes] == [("Marc Olivier", "Nous voulons retrouver notre cap")]


def test_alias_file_renames_and_merges(story_db, tmp_path):
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(yaml.safe_dump({"rename": {"Vireo": "Vireo SA"}, "merge": [["Claire Fontaine", "C. Fontaine"]]}),
                       encoding="utf-8")
    story = load_story(Store(story_db), aliases)
    assert {e["org"] for e in story.timeline() if e["type"] == "dismissal"} == {"Vireo SA"}
    assert story.resolver.person("C. Fontaine") == "Claire Fontaine"
    bad = tmp_path / "bad.yaml"
    bad.write_text("rename: [unclosed", encoding="utf-8")
    res = CliRunner().invoke(app, ["timeline", "--db", story_db, "--aliases", str(bad)])
    assert res.exit_code == 2 and "bad.yaml" in res.output and "Traceback" not in res.output


def test_cli_json_contract(story_db):
    runner = CliRunner()
    res = runner.invoke(app, ["timeline", "--db", story_db, "--json", "--org", "Vireo"])
    assert res.exit_code == 0, res.output
    events = json.loads(res.output)["events"]
    assert events
    for key in ("date", "date_end", "granularity", "type", "person", "org", "role", "interim", "modality", "sources"):
        assert key in events[0]
    assert set(events[0]["sources"][0]) >= {"doc", "sentence", "start", "end"}
    res = runner.invoke(app, ["roles", "Vireo", "--role", "CEO", "--at", "2024-03-01", "--db", story_db, "--json"])
    data = json.loads(res.output)
    assert data["org"] == "Vireo" and data["role"] == "CEO" and data["holders"][0]["name"] == "Claire Fontaine"
    res = runner.invoke(app, ["roles", "Vireo", "--db", story_db, "--json"])
    assert {"role", "name", "interim", "start", "end", "sources"} <= set(json.loads(res.output)["intervals"][0])
    res = runner.invoke(app, ["conflicts", "--db", story_db, "--json"])
    c = json.loads(res.output)["conflicts"][0]
    assert set(c) >= {"kind", "about", "values"} and set(c["values"][0]) >= {"value", "sources"}
    res = runner.invoke(app, ["facts", "--db", story_db, "--json"])
    assert {f["type"] for f in json.loads(res.output)["facts"]} >= {"dismissal", "role", "quote", "headcount", "petition"}
    res = runner.invoke(app, ["roles", "Vireo", "--at", "2024-13-01", "--role", "CEO", "--db", story_db])
    assert res.exit_code == 2 and "--at" in res.output


def test_seed_gold_quality_floors(tmp_path, components):
    seeds = shared_path("seeds")
    gold_path = shared_path("eval", "seeds.gold.yaml")
    from filrouge.config import Settings
    from filrouge.ingest.manifest import load_manifest
    from filrouge.pipeline import IngestRun

    url = f"sqlite:///{tmp_path / 'seeds.db'}"
    IngestRun(Settings(db_url=url), Store(url), components, load_manifest(seeds / "manifest.csv")).run([seeds])
    story = load_story(Store(url))
    gold = load_gold(gold_path)
    res = evaluate(story, gold)
    assert res["roles_at"]["correct"] >= 7, res["roles_at"]
    assert res["events"]["recall"] >= 0.8 and res["events"]["precision"] >= 0.8, res["events"]
    assert res["conflicts"]["found"] == res["conflicts"]["total"] == 2
    assert res["updates"]["found"] == res["updates"]["total"] == 1
    # traps, checked structurally with the gold's own names
    events = story.timeline()
    jobs = next(g for g in gold["events"] if str(g["date"]) == "1985")
    main_org = gold["roles_at"][0]["org"]
    assert not [e for e in events if e["person"] == story.resolver.person(jobs["person"])
                and e["org"] == story.resolver.org(main_org)]
    fired = next(g for g in gold["events"] if g["type"] == "dismissal")
    assert not [e for e in events if e["type"] == "return" and e["person"] == story.resolver.person(fired["person"])
                and (e["date"] or "")[:10] in ("2023-11-19", "2023-11-20")]
    assert not [e for e in events if e["type"] == "dismissal" and e["org"] == "Google"]
    assert "Kevin Dietsch" not in {e["name"] for e in story.entities()}


def _fact(doc, ftype, person, org, role, published, **kw):
    base = {"doc_id": doc, "sentence_idx": 0, "start": 0, "end": 10, "type": ftype, "person": person, "org": org,
            "role": role, "role_surface": role, "interim": False, "date": published, "date_end": published,
            "granularity": "day", "date_text": None, "date_basis": "published", "negated": False,
            "modality": "stated", "org_inferred": False, "detail": {}, "published": published, "source": doc,
            "title": doc, "url": None, "duplicate_of": None, "origin": doc, "sentence_text": "..."}
    base.update(kw)
    return base


def test_two_sources_naming_different_holders_is_a_conflict():
    from filrouge.story.build import Story
    from filrouge.story.entities import Resolver

    facts = [_fact("d1", "role", "Anne Leroy", "Corvex", "CEO", "2024-05-02"),
             _fact("d2", "role", "Hugo Blanc", "Corvex", "CEO", "2024-05-02"),
             # one article naming two holders, and a guessed organisation: not disagreements
             _fact("d3", "role", "Hugo Blanc", "Corvex", "CFO", "2024-05-03"),
             _fact("d3", "role", "Anne Leroy", "Corvex", "CFO", "2024-05-03"),
             _fact("d4", "role", "Léa Roux", "Corvex", "CEO", "2024-05-02", org_inferred=True)]
    names = [(f["person"], "PER") for f in facts] + [("Corvex", "ORG")]
    story = Story(facts, Resolver(names, [(f["person"], "PER") for f in facts]))
    holders = [c for c in story.conflicts() if c["about"].startswith("who was")]
    assert [(c["about"], [v["value"] for v in c["values"]]) for c in holders] == [
        ("who was CEO of Corvex on 2024-05-02", ["Anne Leroy", "Hugo Blanc"])]
