"""An invented saga told by three short articles with a month-only, a month-only and no
publication date: the role model must give one CEO a day, the interim between, and dates
without a year anchored on the article's month."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filrouge.cli import app

ARTICLES = {
    "a1.txt": ("Norvalis : la PDG Jeanne Roux démissionne\n\n"
               "Le groupe Norvalis a annoncé jeudi 11 mars la démission de sa PDG, Jeanne Roux, "
               "à la tête de l'entreprise depuis 2015.\n\n"
               "Le président du conseil d'administration de Norvalis, Hugo Blanc, a indiqué que le conseil "
               "cherchait un successeur.\n\n"
               "Dans la foulée, Marc Vidal, directeur financier de Norvalis, a été nommé directeur général "
               "par intérim.\n"),
    "a2.txt": ("Norvalis choisit Paul Brun\n\n"
               "Norvalis a nommé mardi 14 septembre Paul Brun au poste de directeur général de Norvalis. "
               "Il remplace Marc Vidal, qui assurait l'intérim depuis le départ de Jeanne Roux.\n"),
    "a3.txt": ("Résultats annuels\n\n"
               "Paul Brun, directeur général de Norvalis, a présenté le 3 février 2022 les résultats du groupe.\n"),
}
MANIFEST = "path,published,source\na1.txt,2021-03,site-a\na2.txt,2021-09,site-b\na3.txt,,site-c\n"


@pytest.fixture(scope="module")
def saga_db(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("saga")
    for name, text in ARTICLES.items():
        (root / name).write_text(text, "utf-8")
    (root / "manifest.csv").write_text(MANIFEST, "utf-8")
    db = str(root / "saga.db")
    res = CliRunner().invoke(app, ["ingest", str(root), "--manifest", str(root / "manifest.csv"), "--db", db, "-q"])
    assert res.exit_code == 0, res.output
    return db


def _holders(db: str, org: str, role: str, at: str) -> list[str]:
    res = CliRunner().invoke(app, ["roles", org, "--role", role, "--at", at, "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    rows = data["holders"] if isinstance(data, dict) else data
    return sorted(r["name"] for r in rows)


@pytest.mark.parametrize(("at", "who"), [("2020-06-01", ["Jeanne Roux"]), ("2021-06-01", ["Marc Vidal"]),
                                         ("2022-03-01", ["Paul Brun"])])
def test_one_ceo_a_day(saga_db: str, at: str, who: list[str]) -> None:
    assert _holders(saga_db, "Norvalis", "directeur général", at) == who


def test_chair_is_not_the_pdg(saga_db: str) -> None:
    assert _holders(saga_db, "Norvalis", "chair", "2021-06-01") == ["Hugo Blanc"]


def test_day_month_dates_take_the_year_of_the_article(saga_db: str) -> None:
    res = CliRunner().invoke(app, ["timeline", "--org", "Norvalis", "--db", saga_db, "--json"])
    events = json.loads(res.output)["events"]
    days = {(e["type"], e["person"]): e["date"] for e in events}
    assert days[("resignation", "Jeanne Roux")] == "2021-03-11"
    assert days[("appointment", "Paul Brun")] == "2021-09-14"
    interim = [e for e in events if e["type"] == "appointment" and e["person"] == "Marc Vidal"]
    assert interim and interim[0]["interim"]


def test_interval_bounds_are_kept_apart(saga_db: str) -> None:
    res = CliRunner().invoke(app, ["roles", "Norvalis", "--role", "CEO", "--db", saga_db, "--json"])
    data = json.loads(res.output)
    rows = data["intervals"] if isinstance(data, dict) and "intervals" in data else data
    roux = next(r for r in rows if r["name"] == "Jeanne Roux")
    # "depuis 2015": some day of 2015, not 1 January
    assert roux["start"] is None and roux["start_after"] == "2014-12-31" and roux["start_by"] == "2015-12-31"
    # the exit is known to the month of the article at least (its day is read from the text)
    assert roux["end"] == "2021-03-11" or roux["end_by"] == "2021-03-31"
    assert not roux["open"]
