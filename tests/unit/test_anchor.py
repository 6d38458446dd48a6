"""Anchors: the days an article was written in, from metadata, the page itself or its dates,
and the tagger under a coarse anchor. Every sentence here is invented."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from typer.testing import CliRunner

from filrouge.cli import app
from filrouge.temporal.anchor import Anchor, anchor_from_published, infer_anchor, url_dates
from filrouge.temporal.tagger import TimeTagger


@pytest.fixture(scope="module")
def tagger():
    return TimeTagger("fr")


def month(y: int, m: int, basis: str = "published") -> Anchor:
    return anchor_from_published(f"{y:04d}-{m:02d}")


# ---- anchors from metadata ---------------------------------------------------------------
def test_published_granularities():
    assert anchor_from_published("2019-03-12") == Anchor(date(2019, 3, 12), date(2019, 3, 12), "day", "published")
    assert anchor_from_published("2019-03-12T08:00:00") == Anchor.day(date(2019, 3, 12), "published")
    assert anchor_from_published("2020-02") == Anchor(date(2020, 2, 1), date(2020, 2, 29), "month", "published")
    assert anchor_from_published("2017") == Anchor(date(2017, 1, 1), date(2017, 12, 31), "year", "published")
    assert anchor_from_published("2017-13") is None
    assert anchor_from_published("") is None
    assert Anchor.day(date(2019, 3, 12), "url").exact and not month(2020, 2).exact


def test_a_day_is_kept_as_it_is(tagger):
    text = "TOULOUSE, 2 avril (Reuters) - La compagnie a changé de cap."
    assert infer_anchor(text, "2019-03-12", tagger) == Anchor.day(date(2019, 3, 12), "published")


# ---- refinements from the page -----------------------------------------------------------
def test_dateline_refines_a_month(tagger):
    text = "TOULOUSE, 9 avril (Reuters) - La compagnie a changé de cap hier."
    assert infer_anchor(text, "2019-04", tagger) == Anchor.day(date(2019, 4, 9), "dateline")


def test_dateline_with_its_year_and_agency(tagger):
    text = "Le titre de l'article\n\nLausanne, 7 octobre 2020 (AFP) - Le fabricant a nommé un directeur."
    assert infer_anchor(text, None, tagger) == Anchor.day(date(2020, 10, 7), "dateline")


def test_dateline_without_year_takes_the_latest_full_date(tagger):
    text = ("BORDEAUX, 12 juin - Le chantier a repris. Il avait été suspendu le 28 février 2016 "
            "après un accident.")
    assert infer_anchor(text, None, tagger) == Anchor.day(date(2016, 6, 12), "dateline")


def test_dateline_outside_the_month_is_ignored(tagger):
    text = "TOULOUSE, 9 avril (Reuters) - La compagnie a changé de cap."
    a = infer_anchor(text, "2019-06", tagger)
    assert (a.granularity, a.basis) == ("month", "published")


def test_publication_line(tagger):
    text = "Economie\nPublié le 14 Janvier 2022 à 18h05\nLe groupe a annoncé mardi le départ de son patron."
    assert infer_anchor(text, "2022-01", tagger) == Anchor.day(date(2022, 1, 14), "text")
    text2 = "Mis à jour le 03/11/2015\nLe comité s'est réuni jeudi."
    assert infer_anchor(text2, None, tagger) == Anchor.day(date(2015, 11, 3), "text")


def test_url_dates(tagger):
    assert url_dates("https://ex.org/eco/2021/03/15/titre")[0] == [date(2021, 3, 15)]
    assert url_dates("https://ex.org/eco/titre-20210315")[0] == [date(2021, 3, 15)]
    assert url_dates("https://ex.org/a/titre-2024-12-01-suite")[0] == [date(2024, 12, 1)]
    assert url_dates("https://ex.org/a/titre_AB-201905170930.html")[0] == [date(2019, 5, 17)]
    assert url_dates("https://ex.org/a/article-123456")[0] == []
    text = "Lundi, la direction a confirmé."
    assert infer_anchor(text, "2021-03", tagger, url="https://ex.org/eco/titre-20210315") \
        == Anchor.day(date(2021, 3, 15), "url")
    # a date outside the month the metadata gives is not used
    assert infer_anchor(text, "2021-04", tagger, url="https://ex.org/eco/titre-20210315").basis == "published"
    cited = "La direction a confirmé hier (https://ex.org/eco/2021/03/15/suite)."
    assert infer_anchor(cited, "2021-03", tagger) == Anchor.day(date(2021, 3, 15), "url")


def test_url_month_makes_a_month_anchor(tagger):
    a = infer_anchor("Lundi, la direction a confirmé.", None, tagger, url="https://ex.org/2020/02/titre")
    assert a == Anchor(date(2020, 2, 1), date(2020, 2, 29), "month", "url")


# ---- inferred from the dates the article reports ------------------------------------------
def test_inferred_open_range(tagger):
    text = ("Le 2 mars 2017, l'usine a fermé. Le 14 mars 2017, les salariés ont manifesté. "
            "La reprise aura lieu le 30 septembre 2017.")
    assert infer_anchor(text, None, tagger) == Anchor(date(2017, 3, 14), None, "range", "inferred")
    assert infer_anchor("Rien de daté ici, hier seulement.", None, tagger) is None


def test_inferred_tightens_a_coarse_anchor(tagger):
    text = "Le 9 mai, le conseil a voté. Hier, le ministre a réagi."
    a = infer_anchor(text, "2018-05", tagger)
    assert a == Anchor(date(2018, 5, 9), date(2018, 5, 31), "range", "inferred")
    hier = tagger.tag(text, anchor=a)[1]
    assert (hier.interval_start, hier.interval_end, hier.uncertain) == ("2018-05-08", "2018-05-30", True)


# ---- the tagger under a coarse anchor ----------------------------------------------------
def test_day_anchor_is_a_dct(tagger):
    text = "Hier soir, le conseil a voté. Lundi prochain, il parlera."
    assert tagger.tag(text, anchor=Anchor.day(date(2023, 11, 20), "published")) == tagger.tag(text, date(2023, 11, 20))


def test_relative_expressions_get_an_uncertain_interval(tagger):
    a = month(2018, 5)
    found = {t.text: t for t in tagger.tag("Hier, la grève a repris. La semaine dernière, rien. "
                                           "Il y a trois jours, le vote. Le mois dernier, un accord.", anchor=a)}
    hier = found["Hier"]
    assert (hier.interval_start, hier.interval_end) == ("2018-04-30", "2018-05-30")
    assert hier.anchored and hier.uncertain and hier.value == "2018"
    assert found["Il y a trois jours"].interval_start == "2018-04-28"
    mois = found["Le mois dernier"]
    assert (mois.value, mois.uncertain, mois.interval_start) == ("2018-04", False, "2018-04-01")
    sem = found["La semaine dernière"]
    assert sem.uncertain and sem.interval_start <= "2018-04-24" and sem.interval_end >= "2018-05-24"


def test_value_keeps_the_month_when_certain(tagger):
    a = Anchor(date(2018, 5, 10), date(2018, 5, 20), "range", "inferred")
    t = tagger.tag("Lundi, le conseil a voté.", anchor=a)[0]
    assert (t.value, t.interval_start, t.interval_end, t.uncertain) == ("2018-05", "2018-05-07", "2018-05-14", True)
    assert t.to_json()["uncertain"] is True


def test_day_month_takes_the_year_of_the_anchor(tagger):
    t = tagger.tag("Le 3 mars, la direction a tranché.", anchor=month(2019, 4))[0]
    assert (t.value, t.anchored, t.uncertain) == ("2019-03-03", True, False)
    # more than six months after the anchor: the year before
    assert tagger.tag("Le 20 décembre, rien.", anchor=month(2019, 3))[0].value == "2018-12-20"
    assert tagger.tag("Le 20 décembre dernier, rien.", anchor=month(2019, 11))[0].value == "2018-12-20"


def test_weekday_chooses_the_year(tagger):
    # 14 September is a Friday in 2018 and a Saturday in 2019: a year anchor 2019 and "vendredi"
    # disagree, and the candidate the weekday agrees with wins
    t = tagger.tag("Vendredi 14 septembre, la grève a commencé.", anchor=anchor_from_published("2019"))[0]
    assert t.value == "2018-09-14"
    assert tagger.tag("Samedi 14 septembre, rien.", anchor=anchor_from_published("2019"))[0].value == "2019-09-14"


def test_weekday_and_day_number(tagger):
    t = tagger.tag("Jeudi 16, le conseil a voté.", anchor=month(2018, 8))[0]
    assert (t.text, t.value, t.anchored) == ("Jeudi 16", "2018-08-16", True)
    # with a day anchor: the nearest 16th that is a Thursday
    assert tagger.tag("Jeudi 16, le conseil a voté.", date(2018, 9, 2))[0].value == "2018-08-16"
    assert tagger.tag("Jeudi 16, le conseil a voté.", None)[0].value == "XXXX-XX-16"
    # a number of people is not a day
    assert [t.text for t in tagger.tag("Mardi 12 salariés ont quitté l'usine.", None)] == ["Mardi"]


def test_open_range_anchor(tagger):
    a = Anchor(date(2016, 11, 3), None, "range", "inferred")
    found = tagger.tag("Hier, le conseil a voté. Le 12 novembre, il partira. Le 2 février, il a signé.", anchor=a)
    assert (found[0].anchored, found[0].interval_start) == (False, None)
    assert found[1].value == "2016-11-12"
    assert found[2].value == "2017-02-02"


def test_future_check_is_linear(tagger):
    text = " ".join(["lundi"] * 2000) + "."
    t0 = time.perf_counter()
    assert len(tagger.tag(text, date(2023, 11, 20))) == 2000
    assert time.perf_counter() - t0 < 1.5


# ---- the command -------------------------------------------------------------------------
def test_cli_times_with_a_month(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Hier soir, le conseil a tranché. Le 9 mai, la direction avait parlé.", "utf-8")
    res = CliRunner().invoke(app, ["times", str(f), "--published", "2018-05", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["published"] == "2018-05"
    assert out["anchor"] == {"start": "2018-05-09", "end": "2018-05-31", "granularity": "range", "basis": "inferred"}
    hier = out["times"][0]
    assert hier["uncertain"] and hier["interval"] == ["2018-05-08", "2018-05-30"]
    res = CliRunner().invoke(app, ["times", str(f), "--published", "2018", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["anchor"]["end"] == "2018-12-31"
    res = CliRunner().invoke(app, ["times", str(f), "--published", "mai", "--json"])
    assert res.exit_code != 0
