"""Plain-text page cleaning on fixtures written for these tests."""

from __future__ import annotations

import pytest

from filrouge.clean.dates import DatelineParser, date_from_url, normalise_iso
from filrouge.clean.text import TextCleaner
from filrouge.lang import load_furniture, load_language


@pytest.fixture(scope="module")
def tc():
    return TextCleaner(load_furniture(("fr", "en")))


PAGE = """S'identifier
Le maire de Brest annonce sa démission surprise

Le maire de Brest annonce sa démission surprise

Publié le 3 mai 2021 à 10h12

© Jean Dupont / AFP

Le maire de Brest a annoncé mardi qu'il quitterait ses fonctions à la fin du mois, après douze ans de mandat.

Son premier adjoint assurera l'intérim jusqu'à l'élection d'un successeur par le conseil municipal.

Les réactions ont été nombreuses dans la majorité comme dans l'opposition, qui salue un « choix courageux ».

#Brest #maire #démission
Facebook
Twitter
Lire aussi : Les dix maires qui ont marqué la Bretagne
Abonnez-vous à notre newsletter

Commentaires (2)

Vous devez être connecté pour commenter.
profil lecteur
Enfin une bonne nouvelle pour la ville.
profil lecteur
Je regretterai son action pour le port.
profil lecteur
Great mayor, sad to see him go.
"""


def test_page_furniture_comments_and_date(tc):
    res = tc.clean(PAGE)
    body = "\n".join(res.blocks)
    assert res.title == "Le maire de Brest annonce sa démission surprise"
    assert res.published == "2021-05-03T10:12:00"
    assert body.count("Le maire de Brest annonce sa démission surprise") == 1
    for junk in ("S'identifier", "AFP", "#Brest", "Facebook", "Lire aussi", "newsletter", "Commentaires",
                 "connecté", "profil lecteur"):
        assert junk not in body, junk
    assert "premier adjoint assurera l'intérim" in body
    assert res.comments == ["Enfin une bonne nouvelle pour la ville.", "Je regretterai son action pour le port.",
                            "Great mayor, sad to see him go."]
    reasons = {r.reason for r in res.removed}
    assert {"navigation", "repeated line", "dateline", "photo credit", "hashtags", "share button",
            "related link", "marketing", "comment separator"} <= reasons


def test_repeated_block_keeps_one_copy(tc):
    paras = [
        "La grève des contrôleurs aériens a perturbé le trafic dans plusieurs aéroports du pays ce lundi.",
        "Selon la direction générale de l'aviation civile, un vol sur trois a été annulé à Marseille.",
        "Les syndicats réclament des hausses de salaires et de meilleures conditions de travail.",
        "Le ministre des transports a appelé à la reprise du dialogue dès mardi matin.",
    ]
    copy = [p.replace("ce lundi", "lundi") for p in paras]
    page = "\n".join(paras) + "\nVoir l'original\nTitre de la copie du texte\n" + "\n".join(copy)
    res = tc.clean(page)
    body = "\n".join(res.blocks)
    assert body.count("Les syndicats réclament") == 1
    assert "Titre de la copie" not in body
    assert "repeated block removed" in res.flags


def test_distinct_paragraphs_sharing_words_are_kept(tc):
    page = ("Le conseil municipal a voté le budget de la ville pour l'année prochaine jeudi soir.\n"
            "Le conseil régional a voté le budget des lycées pour les trois prochaines années.\n")
    assert len(tc.clean(page).blocks) == 2


def test_marketing_tail_removed_but_last_paragraph_kept(tc):
    page = ("Une entreprise bretonne a levé dix millions d'euros pour développer ses drones agricoles.\n"
            "Elle prévoit d'embaucher cinquante personnes d'ici la fin de l'année prochaine.\n"
            "TÉLÉCHARGEZ NOTRE GUIDE ET PARTAGEZ !\nPrêt à passer à la vitesse supérieure\nCONTACT\n")
    res = tc.clean(page)
    assert res.blocks[-1].startswith("Elle prévoit")


def test_dateline_parser():
    dp = DatelineParser(load_furniture(("fr", "en")))
    assert dp.dateline("Le 20 novembre 2023 à 09h57") == "2023-11-20T09:57:00"
    assert dp.dateline("2023-11-22 20:06:00") == "2023-11-22T20:06:00"
    assert dp.dateline("Publié le 03/05/2021") == "2021-05-03"
    assert dp.dateline("Mis à jour le 1er mars 2022") == "2022-03-01"
    assert dp.dateline("Published on March 4, 2020") == "2020-03-04"
    # a sentence that contains a date is not a dateline
    assert dp.dateline("Le 20 novembre 2023, le conseil a annoncé le départ du directeur.") is None
    assert dp.dateline("Dimanche, heure locale, il y a six heures") is None


@pytest.mark.parametrize("url,expected", [
    ("https://x.example/2021-03-01/article", "2021-03-01"),
    ("https://x.example/news/20210315/article.html", "2021-03-15"),
    ("https://x.example/2019/01/24/title/", "2019-01-24"),
    ("https://x.example/2019/01/title/", "2019-01"),
    ("https://x.example/article-12345678", None),
    ("https://x.example/2019/13/45/bad", None),
    (None, None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize("value,expected", [
    ("2023", "2023"), ("2023-11", "2023-11"), ("2023-11-20", "2023-11-20"),
    ("2023-11-20T09:57:00+01:00", "2023-11-20T09:57:00+01:00"), ("2023-13", None), ("20 nov", None),
    ("", None),
])
def test_normalise_iso(value, expected):
    assert normalise_iso(value) == expected


def test_language_files_validate():
    fr = load_language("fr")
    assert fr.months["novembre"] == 11 and fr.weekdays["vendredi"] == 4
    from filrouge.extract.lexicon import load_lexicon

    lex = load_lexicon("fr")  # interim markers moved to the extractor's vocabulary
    assert lex.interim_re.search("pdg par intérim") and lex.canonical_role("PDG") == "CEO"
    assert lex.canonical_role("directeur général") == "CEO" and lex.canonical_role("CEO") == "CEO"
    from filrouge.errors import ConfigError

    with pytest.raises(ConfigError):
        load_language("xx")
