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
