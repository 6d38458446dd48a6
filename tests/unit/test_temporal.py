"""The time layer on sentences of our own, and the FTiB floor (skipped without ../shared)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from filrouge.temporal.tagger import TimeTagger

from conftest import ROOT, shared_path


@pytest.fixture(scope="module")
def tagger():
    return TimeTagger("fr")


DCT = date(2023, 11, 20)  # a Monday


@pytest.mark.parametrize("text,value,typ", [
    ("Vendredi soir, le conseil a tranché.", "2023-11-17TEV", "TIME"),
    ("Samedi, il est revenu.", "2023-11-18", "DATE"),
    ("Dimanche, heure locale, la photo a circulé.", "2023-11-19", "DATE"),
    ("Ce matin, on apprend la nouvelle.", "2023-11-20TMO", "TIME"),
    ("Il a démissionné en mars 2023.", "2023-03", "DATE"),
    ("Il a été licencié en 1985, puis est revenu.", "1985", "DATE"),
    ("Le 20 novembre 2023 à 09h57", "2023-11-20", "DATE"),
    ("Hier, la direction a parlé.", "2023-11-19", "DATE"),
    ("La semaine dernière, tout a changé.", "2023-W46", "DATE"),
    ("Le mois dernier, les ventes ont baissé.", "2023-10", "DATE"),
    ("En novembre dernier, il était déjà là.", "2022-11", "DATE"),
    ("Il prendra ses fonctions le 1er juillet.", "2024-07-01", "DATE"),
    ("La réunion a duré deux jours.", "P2D", "DURATION"),
    ("Il y a trois semaines, rien ne bougeait.", "2023-W44", "DATE"),
    ("Le conseil se réunit chaque lundi.", "XXXX-WXX-1", "SET"),
    ("Lundi prochain, il parlera.", "2023-11-27", "DATE"),
    ("Il arrivera jeudi.", "2023-11-23", "DATE"),
    ("Les travaux reprendront fin 2024.", "2024", "DATE"),
    ("Dans les années 80, l'usine tournait.", "198", "DATE"),
    ("Le cours a chuté au cours des derniers mois.", "PXM", "DURATION"),
    ("Il a dirigé la chaîne pendant deux ans et demi.", "P2.5Y", "DURATION"),
    ("Elle a présidé le club pendant vingt-trois ans.", "P23Y", "DURATION"),
    ("À la fin de l'année dernière, le club a vendu.", "2022", "DATE"),
    ("Les grèves des 6 et 7 novembre ont coûté cher.", "2023-11-06", "DATE"),
    ("Il y a une quinzaine de jours, rien.", "2023-11-05", "DATE"),
    ("Le premier octobre, la loi a changé.", "2023-10-01", "DATE"),
    ("Dès lundi, le service reprend.", "2023-11-20", "DATE"),
])


def test_normalised_value(tagger, text, value, typ):
    found = tagger.tag(text, DCT)
    assert found, text
    assert (found[0].value, found[0].type) == (value, typ)
    assert text[found[0].start:found[0].end] == found[0].text


def test_no_time_in_names_and_addresses(tagger):
    assert not tagger.tag("Il a couru les Jeux d'hiver et l'université d'été.", DCT)
    assert not [t for t in tagger.tag("Ils habitent le 12, rue des Lilas.", DCT) if t.granularity == "day"]
    assert not tagger.tag("Une femme d'une vingtaine d'années a été blessée.", DCT)


def test_same_day_and_parts(tagger):
    found = tagger.tag("Le 3 novembre, la grève a commencé. Dans la soirée, la police est venue. "
                       "Le soir même, le ministre a parlé. Vers 14 h, hier, rien.", DCT)
    vals = {t.text: t.value for t in found}
    assert vals["la soirée"] == "2023-11-03TEV"
    assert vals["Le soir même"] == "2023-11-03TEV"
    assert vals["14 h, hier"] == "2023-11-19T14:00"


def test_no_publication_date_means_unresolved(tagger):
    found = tagger.tag("Vendredi soir et hier, puis le 3 mai.", None)
    assert [t.anchored for t in found] == [False, False, False]
    assert all(t.interval_start is None for t in found)
    assert found[2].value == "XXXX-05-03"


def test_absolute_dates_do_not_need_a_publication_date(tagger):
    found = tagger.tag("Le 17 novembre 2023, en 2015 et en mars 2023.", None)
    assert [t.value for t in found] == ["2023-11-17", "2015", "2023-03"]


def test_past_participle_ete_is_not_summer(tagger):
    assert not tagger.tag("Il a été nommé directeur.", DCT)
    assert tagger.tag("Les ventes montent en été.", DCT)[0].value == "2023-SU"


def test_ages_are_not_durations(tagger):
    assert not tagger.tag("Un homme de 38 ans a été arrêté.", DCT)


def test_intervals(tagger):
    t = tagger.tag("En mars 2023, rien.", DCT)[0]
    assert (t.interval_start, t.interval_end, t.granularity) == ("2023-03-01", "2023-03-31", "month")


@pytest.mark.shared
def test_french_timebank_floor():
    folder = shared_path("benchmarks", "fr_timebank", "dev")
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "fr_timebank.py"), str(folder)],
                         capture_output=True, text=True, check=True).stdout
    import re

    strict = float(re.search(r"strict\s+P=\S+ R=\S+ F1=(\S+)", out).group(1))
    value = float(re.search(r"value accuracy on relaxed matches: \d+/\d+ = (\S+)", out).group(1))
    assert strict >= 0.87, out  # measured 0.890 when pinned (0.848 before the general shapes)
    assert value >= 0.88, out  # measured 0.907 (0.857 before)
