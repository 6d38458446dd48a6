"""Report, exports and web app, on the project's own invented story plus a hostile article
(script tags, an image with onerror, a javascript: URL), which must display as text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from filrouge.cli import app
from filrouge.config import Settings
from filrouge.store.repository import Store
from filrouge.story import load_story
from filrouge.views.export import WRITERS
from filrouge.views.web import create_app, marks

from test_story import STORY

XSS_TITLE = '<img src=x onerror="window.__xss=1">Alerte'
XSS_BODY = ("Vireo : <script>window.__xss=2</script> une page piégée\n\n"
            "Le conseil d'administration de Vireo a nommé <b>Jeanne Morel</b> directrice juridique. "
            "<img src=x onerror=\"window.__xss=3\"> Fin.\n")


def build_store(root: Path, components, extra: dict[str, tuple[str, str]] | None = None) -> str:
    from filrouge.ingest.manifest import load_manifest
    from filrouge.pipeline import IngestRun

    rows = ["path,url,published,source,title"]
    for name, (pub, text) in (STORY | (extra or {})).items():
        (root / name).write_text(text, encoding="utf-8")
        url, title = ("javascript:window.__xss=4", XSS_TITLE) if name == "xss.txt" else ("https://news.example/" + name, "")
        rows.append(f'{name},{url},{pub},outlet-{name[0]},"{title.replace(chr(34), chr(34) * 2)}"')
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    url = f"sqlite:///{root / 'views.db'}"
    IngestRun(Settings(db_url=url), Store(url), components, load_manifest(root / "manifest.csv")).run([root])
    return url


@pytest.fixture(scope="module")
def views_db(tmp_path_factory, components):
    root = tmp_path_factory.mktemp("views")
    return build_store(root, components, {"xss.txt": ("2024-03-13", XSS_BODY)})


def test_report_is_self_contained_and_inert(views_db, tmp_path):
    out = tmp_path / "story.html"
    res = CliRunner().invoke(app, ["report", "--db", views_db, "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["events"] > 0
    html = out.read_text(encoding="utf-8")
    # nothing fetched from the network: no external script, style, image or font
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "stylesheet" not in html and "@import" not in html and "Content-Security-Policy" in html
    # the hostile text is inside the JSON data, escaped so that it cannot close the script element
    data = html.split('id="filrouge-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "window.__xss=2" in data
    assert html.count("<script") == 2  # the data block and the package's own script
    payload = json.loads(data)
    assert payload["events"] and payload["lanes"] and payload["bodies"]
    src = payload["events"][0]["sources"][0]
    assert {"before", "hit", "after", "doc", "title", "source"} <= set(src)


def test_exports(views_db, tmp_path):
    runner = CliRunner()
    files = {}
    for fmt in ("json", "csv", "timelinejs", "graphml"):
        files[fmt] = tmp_path / f"story.{fmt}"
        res = runner.invoke(app, ["export", "--db", views_db, "--format", fmt, "--out", str(files[fmt])])
        assert res.exit_code == 0, res.output
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["events"] and data["facts"] and data["intervals"] and data["articles"]
    assert all(ev["sources"] and "doc" in ev["sources"][0] for ev in data["events"])
    rows = list(csv.DictReader(io.StringIO(files["csv"].read_text(encoding="utf-8"))))
    assert {r["row_kind"] for r in rows} == {"event", "role_interval"}
    assert any(r["type"] == "dismissal" and r["person"] == "Claire Fontaine" and r["date"] for r in rows)
    tl = json.loads(files["timelinejs"].read_text(encoding="utf-8"))
    ids = [e["unique_id"] for e in tl["events"]]
    assert ids and len(ids) == len(set(ids))
    for e in tl["events"]:
        assert e["start_date"]["year"].isdigit() and e["text"]["headline"] and "group" in e
        assert "<script" not in e["text"]["text"] and "<img" not in e["text"]["text"]
    nx = pytest.importorskip("networkx")
    g = nx.read_graphml(files["graphml"])
    kinds = {d.get("kind") for _n, d in g.nodes(data=True)}
    assert {"person", "organisation", "role", "event"} <= kinds
    assert any(d.get("relation") == "held" and d.get("start") for _a, _b, d in g.edges(data=True))
    res = runner.invoke(app, ["export", "--db", views_db, "--format", "pdf"])
    assert res.exit_code == 2 and "--format" in res.output


def test_search_marks_ignore_case_and_accents():
    assert marks("Le Conseil a évincé Claire", "conseil EVINCE") == [(3, 10), (13, 19)]
    assert marks("rien", "autre") == []


def test_app_api_csp_search_and_token_gated_upload(views_db, components, tmp_path):
    client = TestClient(create_app(Settings(db_url=views_db), components=components))
    page = client.get("/")
    assert page.status_code == 200 and "filrouge.js" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert client.get("/static/filrouge.js").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/timeline"]
    story = client.get("/api/story").json()
    assert story["events"] and story["articles_total"] == len(STORY) + 1
    # role bars come with a count of their sources; the organisation's roles give them
    bar = next(b for lane in story["lanes"] for b in lane["bars"] if b["name"] == "Claire Fontaine")
    assert "intervals" not in story and bar["sources"] == [] and bar["sources_total"] >= 1
    full = client.get(f"/api/roles/{bar['org']}", params={"role": bar["role"]}).json()["intervals"]
    assert len(next(i for i in full if i["name"] == "Claire Fontaine")["sources"]) == bar["sources_total"]
    tl = client.get("/api/timeline", params={"org": "Vireo", "type": "dismissal"}).json()
    assert tl["total"] == 1 and tl["events"][0]["person"] == "Claire Fontaine"
    assert client.get("/api/timeline", params={"from": "2024-13-01"}).status_code == 422
    roles = client.get("/api/roles/Vireo", params={"role": "PDG", "at": "2024-03-01"}).json()
    assert [h["name"] for h in roles["holders"]] == ["Claire Fontaine"]
    hits = client.get("/api/search", params={"q": "fronde"}).json()["hits"]
    assert hits and hits[0]["marks"] and hits[0]["text"][slice(*hits[0]["marks"][0])].lower() == "fronde"
    doc = client.get(f"/api/articles/{hits[0]['doc']}").json()
    assert "fronde" in doc["body"]
    assert client.get("/api/articles/<script>").status_code == 404
    # uploads: off without a token
    new = ("d.txt", "Vireo : nouvelle nomination\n\nLe conseil d'administration de Vireo a nommé Hugo Lambert "
           "directeur technique mardi.\n", "text/plain")
    assert client.post("/api/ingest", files={"files": new}).status_code == 403
    gated = TestClient(create_app(Settings(db_url=views_db), token="s3cret", components=components))
    assert gated.post("/api/ingest", files={"files": new}).status_code == 401
    assert gated.post("/api/ingest", files={"files": new}, headers={"Authorization": "Bearer nope"}).status_code == 401
    res = gated.post("/api/ingest", files={"files": new}, headers={"Authorization": "Bearer s3cret"})
    assert res.status_code == 200 and res.json()["stored"] == 1
    # the running app sees it without a restart
    people = {e["person"] for e in gated.get("/api/timeline").json()["events"]}
    assert "Hugo Lambert" in people
    assert "Hugo Lambert" in {e["person"] for e in load_story(Store(views_db)).timeline()}


# ---- uncertain dates: estimated, coarse (a month, a year), undated, bounded intervals ------------

def _fact(doc, ftype, person, org, role, day, granularity="day", basis="text", end=None, **kw):
    base = {"doc_id": doc, "sentence_idx": 0, "start": 0, "end": 10, "type": ftype, "person": person, "org": org,
            "role": role, "role_surface": role, "interim": False, "date": day, "date_end": end or day,
            "granularity": granularity if day else None, "date_text": None, "date_basis": basis if day else None,
            "negated": False, "modality": "stated", "org_inferred": False, "detail": {}, "published": "2024-05-02",
            "source": f"outlet-{doc}", "title": f"Article {doc}", "url": None, "duplicate_of": None, "origin": doc,
            "sentence_text": f"Sentence of {doc}."}
    base.update(kw)
    return base


def uncertain_story():
    """An invented story with every kind of date: a year, a month, a day, an estimate, none;
    a role held "by" a day (start unknown), one started in a month, one started on a day."""
    from filrouge.story.build import Story
    from filrouge.story.entities import Resolver

    facts = [_fact("d1", "founding", None, "Corvex", None, "1985-01-01", "year", end="1985-12-31"),
             _fact("d2", "appointment", "Anne Leroy", "Corvex", "CEO", "2018-05-01", "month", end="2018-05-31"),
             _fact("d3", "resignation", "Hugo Blanc", "Corvex", "CFO", None),
             _fact("d4", "role", "Léa Roux", "Corvex", "CTO", "2024-05-02", basis="published"),
             _fact("d5", "dismissal", "Paul Mercier", "Corvex", "COO", "2024-03-12"),
             _fact("d6", "appointment", "Marc Petit", "Corvex", "CFO", "2024-01-15"),
             _fact("d7", "departure", "Inès Garnier", "Corvex", "CMO", "2024-04-30", basis="published")]
    names = [(f["person"], "PER") for f in facts if f["person"]] + [("Corvex", "ORG")]
    return Story(facts, Resolver(names, [(n, k) for n, k in names if k == "PER"]))


@pytest.fixture()
def uncertain(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'empty.db'}"), uncertain_story()


def test_date_words_and_bounds():
    from filrouge.views.payload import date_label, interval_bounds, period

    assert date_label("1985-01-01", "year") == "1985" and date_label("1985") == "1985"
    assert date_label("2018-05-01", "month") == "May 2018" and date_label("2018-05") == "May 2018"
    assert date_label("1980-01-01", "decade") == "1980s" and date_label(None) == "undated"
    assert date_label("2024-03-12", "day") == "12 March 2024"
    assert period("2021", "year") == ("2021-01-01", "2021-12-31")
    assert period("2024-02-01", "month") == ("2024-02-01", "2024-02-29")
    # a start known only to the year (the story may give start_granularity): uncertain over that year
    iv = interval_bounds({"start": "2021", "start_granularity": "year", "start_by": None, "start_after": None,
                          "end": None, "end_by": "2023-06-30", "open": False})
    assert (iv["start_lo"], iv["start_hi"], iv["start_uncertain"]) == ("2021-01-01", "2021-12-31", True)
    assert (iv["end_lo"], iv["end_hi"], iv["end_uncertain"]) == (None, "2023-06-30", True)
    assert iv["dates_label"].startswith("from 2021 (day unknown)") and "ended by 30 June 2023" in iv["dates_label"]
    iv = interval_bounds({"start": None, "start_by": "2024-05-02", "start_after": "2024-01-31", "end": "2024-06-03",
                          "end_by": None, "open": False})
    # "started after 31 January": the earliest day it may have started is 1 February
    assert (iv["start_lo"], iv["start_hi"], iv["start_uncertain"], iv["end_uncertain"]) == (
        "2024-02-01", "2024-05-02", True, False)
    iv = interval_bounds({"start": None, "start_by": "2024-01-02", "start_after": None, "end": None,
                          "end_by": "2024-06-01", "open": False, "seen_last": "2024-03-01"})
    assert iv["dates_label"] == ("held by 2 January 2024 (start unknown), still held on 1 March 2024"
                                 " — ended by 1 June 2024 (day unknown)")


def test_timelinejs_dates_as_precise_as_known(uncertain):
    store, story = uncertain
    tl = json.loads(WRITERS["timelinejs"](store, story))
    by_id = {e["unique_id"]: e for e in tl["events"]}
    founding = next(e for e in tl["events"] if e["text"]["headline"].startswith("founding"))
    assert founding["start_date"] == {"year": "1985"} and "end_date" not in founding  # not 1 January 1985
    appointed = next(e for e in tl["events"] if e["text"]["headline"].startswith("appointment: Anne Leroy"))
    assert appointed["start_date"] == {"year": "2018", "month": "5"} and "end_date" not in appointed
    fired = next(e for e in tl["events"] if e["text"]["headline"].startswith("dismissal"))
    assert fired["start_date"] == {"year": "2024", "month": "3", "day": "12"} and "display_date" not in fired
    left = next(e for e in tl["events"] if e["text"]["headline"].startswith("departure"))
    assert left["display_date"].startswith("≈ 30 April 2024") and "estimated" in left["display_date"]
    assert not any(e["text"]["headline"].startswith("resignation") for e in tl["events"])  # undated: left out
    lea = next(e for e in by_id.values() if e["unique_id"].startswith("role-") and "Léa Roux" in e["text"]["headline"])
    assert lea["start_date"] == {"year": "2024", "month": "5", "day": "2"} and "held by" in lea["display_date"]
    anne = next(e for e in by_id.values() if e["unique_id"].startswith("role-") and "Anne Leroy" in e["text"]["headline"])
    assert anne["start_date"] == {"year": "2018", "month": "5"}


def test_csv_and_json_carry_bounds_and_granularity(uncertain):
    store, story = uncertain
    rows = list(csv.DictReader(io.StringIO(WRITERS["csv"](store, story))))
    assert {"date", "date_end", "granularity", "date_basis", "estimated", "start", "start_by", "start_after",
            "end", "end_by", "open", "interim", "start_granularity", "end_granularity"} <= set(rows[0])
    founding = next(r for r in rows if r["type"] == "founding")
    assert (founding["date"], founding["date_end"], founding["granularity"], founding["date_basis"],
            founding["estimated"]) == ("1985-01-01", "1985-12-31", "year", "text", "False")
    left = next(r for r in rows if r["type"] == "departure")
    assert (left["date_basis"], left["estimated"]) == ("published", "True")
    undated = next(r for r in rows if r["type"] == "resignation")
    assert undated["date"] == "" and undated["granularity"] == ""
    lea = next(r for r in rows if r["row_kind"] == "role_interval" and r["person"] == "Léa Roux")
    # start is a known day only: a bound goes to its own column
    assert (lea["start"], lea["start_by"], lea["start_after"], lea["end"], lea["end_by"], lea["open"]) == (
        "", "2024-05-02", "", "", "", "True")
    marc = next(r for r in rows if r["row_kind"] == "role_interval" and r["person"] == "Marc Petit")
    assert (marc["start"], marc["start_by"]) == ("2024-01-15", "")
    data = json.loads(WRITERS["json"](store, story))
    ev = next(e for e in data["events"] if e["type"] == "founding")
    assert (ev["granularity"], ev["date_end"], ev["estimated"], ev["date_label"]) == ("year", "1985-12-31", False, "1985")
    iv = next(i for i in data["intervals"] if i["name"] == "Léa Roux")
    assert iv["start"] is None and iv["start_by"] == "2024-05-02" and iv["start_uncertain"] is True
    assert {"start", "start_by", "start_after", "end", "end_by", "open", "interim"} <= set(iv)


def test_report_marks_uncertain_dates(uncertain, tmp_path):
    from filrouge.views.report import write_report

    store, story = uncertain
    out = tmp_path / "story.html"
    write_report(store, story, out)
    html = out.read_text(encoding="utf-8")
    payload = json.loads(html.split('id="filrouge-data">', 1)[1].split("</script>", 1)[0])
    ev = {(e["type"], e["person"]): e for e in payload["events"]}
    assert ev[("founding", None)]["date_precision"] == "year" and ev[("founding", None)]["date_coarse"]
    assert ev[("appointment", "Anne Leroy")]["date_label"] == "May 2018"
    assert ev[("departure", "Inès Garnier")]["estimated"] and ev[("departure", "Inès Garnier")]["date_label"].startswith("≈")
    assert ev[("departure", "Inès Garnier")]["date_note"] == "estimated date (publication)"
    assert ev[("resignation", "Hugo Blanc")]["date_uncertain"] and ev[("resignation", "Hugo Blanc")]["date_label"] == "undated"
    assert not ev[("dismissal", "Paul Mercier")]["date_uncertain"] and not ev[("dismissal", "Paul Mercier")]["date_coarse"]
    bars = {b["name"]: b for lane in payload["lanes"] for b in lane["bars"]}
    assert bars["Léa Roux"]["start_uncertain"] and (bars["Léa Roux"]["start_lo"], bars["Léa Roux"]["start_hi"]) == (
        None, "2024-05-02")
    assert bars["Anne Leroy"]["start_uncertain"] and (bars["Anne Leroy"]["start_lo"], bars["Anne Leroy"]["start_hi"]) == (
        "2018-05-01", "2018-05-31")
    assert not bars["Marc Petit"]["start_uncertain"]
    # the page's script draws those with their own class and explains them in the legend
    assert '"start-uncertain"' in html or "start-uncertain" in html
    assert "held by" in html and "date-estimated" in html
