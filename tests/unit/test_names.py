"""What is a name, and which names are one entity (invented names only)."""

from __future__ import annotations

import pytest

from filrouge.extract.lexicon import load_lexicon
from filrouge.extract.mentions import name_of, not_actor, org_key, person_key, type_votes
from filrouge.story.entities import Resolver


@pytest.fixture(scope="module")
def lex():
    return load_lexicon("fr")


def resolver(names, lex, facts=()):
    return Resolver(names, facts, lex=lex)


def kinds(r: Resolver) -> dict[str, str]:
    return {rec.name: rec.kind for rec in r.listing()}


# ---- family names with a particle ------------------------------------------------------

def test_elided_particle_is_not_part_of_the_family_name():
    assert person_key("Tomas D'Orvalle") == person_key("Orvalle") == "orvalle"
    assert person_key("Tomas d\u2019Orvalle") == "orvalle"
    assert person_key("Ana de Brissac") == person_key("Brissac")


def test_short_form_joins_the_particle_name(lex):
    r = resolver([("Tomas D'Orvalle", "PER")] * 3 + [("Orvalle", "PER")] * 2 + [("D'Orvalle", "PER")], lex)
    people = [rec for rec in r.listing() if rec.kind == "person"]
    assert [p.name for p in people] == ["Tomas D'Orvalle"]
    assert r.person("Orvalle") == r.person("M. D'Orvalle") == "Tomas D'Orvalle"


def test_family_name_behind_a_one_word_particle(lex):
    r = resolver([("Kim McArdle", "PER")] * 2 + [("Ardle", "PER")], lex)
    assert r.person("Ardle") == "Kim McArdle"
    assert [rec.name for rec in r.listing() if rec.kind == "person"] == ["Kim McArdle"]


def test_first_name_is_not_joined_as_a_family_name(lex):
    # "Ardle" is someone's first name: it is that person, not the McArdle one
    r = resolver([("Kim McArdle", "PER")] * 2 + [("Ardle Sorn", "PER")] * 2 + [("Ardle", "PER")], lex)
    assert r.person("Ardle") == "Ardle Sorn"


# ---- long and legal names of organisations ---------------------------------------------

@pytest.mark.parametrize("long", ["The Zorbix Company", "Groupe Zorbix", "Zorbix Group", "Zorbix SA", "Zorbix Inc.",
                                  "Société Zorbix", "Compagnie Zorbix", "le groupe Zorbix", "Zorbix Holding"])
def test_long_form_resolves_to_the_short_name(lex, long):
    assert org_key(long, lex) == org_key("Zorbix", lex)
    r = resolver([("Zorbix", "ORG")] * 4 + [(long, "ORG")], lex)
    assert r.org(long) == "Zorbix"
    assert [rec.name for rec in r.listing() if rec.kind == "organisation"] == ["Zorbix"]


def test_long_form_whose_core_ends_with_the_short_name(lex):
    names = [("Zorbix", "ORG")] * 5 + [("The Lumo Zorbix Company", "ORG")] * 2 + [("Lumo Zorbix", "ORG")]
    r = resolver(names, lex)
    assert r.org("The Lumo Zorbix Company") == r.org("Lumo Zorbix") == "Zorbix"


def test_two_organisations_in_a_group_name_stay_apart(lex):
    names = [("Brava", "ORG")] * 3 + [("Quentel", "ORG")] * 3 + [("Brava Quentel Group", "ORG")]
    r = resolver(names, lex)
    assert r.org("Quentel") == "Quentel"
    assert r.org("Brava") == "Brava"
    assert r.org("Brava Quentel Group") != "Quentel"


def test_a_person_called_le_something_is_not_an_organisation(lex):
    assert name_of("Le Brissac", lex) == ("Le Brissac", None)
    assert name_of("Zorbix NV", lex) == ("Zorbix NV", "ORG")


# ---- role nouns are not people ---------------------------------------------------------

@pytest.mark.parametrize("text", ["Directeur général", "General Counsel", "CEO", "Président d'honneur",
                                  "Senior Independent Director", "Vice-Présidente", "Chief Operating Officer",
                                  "Président du", "Conseils d'administration", "Administratrice"])
def test_post_alone_is_no_name(lex, text):
    assert name_of(text, lex) is None


@pytest.mark.parametrize("text", ["General Counsel de Zorbix", "Notaire de Zorbix", "Président de Zorbix",
                                  "Conseil d'administration de Zorbix", "Directrice générale adjointe de Zorbix",
                                  "Présidente non exécutive du Conseil de Zorbix", "Chief Executive Officer of Zorbix"])
def test_post_of_an_organisation_names_the_organisation(lex, text):
    assert name_of(text, lex) == ("Zorbix", "ORG")


def test_post_before_a_name_is_dropped(lex):
    assert name_of("PDG Orvalle", lex) == ("Orvalle", None)
    assert name_of("Comité de sélection des candidats", lex) is None  # an organ, no name


def test_role_noun_span_never_makes_a_person(lex):
    names = [("General Counsel de Zorbix", "PER")] * 6 + [("Zorbix", "ORG")] * 2 + [("Tomas Brissac", "PER")]
    r = resolver(names, lex)
    assert kinds(r) == {"Zorbix": "organisation", "Tomas Brissac": "person"}
    # a legal or long form votes with its short name
    assert set(type_votes([("Zorbix NV", "ORG"), ("Groupe Zorbix", "ORG")], lex)) == {"zorbix"}


# ---- nationalities, regions, market words, agencies --------------------------------------

@pytest.mark.parametrize("text", ["Italien", "Italienne", "Italiens", "Européennes", "Français", "Suisse",
                                  "Italo-Brésilien", "Nord-Américains", "Asie", "Amérique du Nord", "Europe de l'Ouest",
                                  "Moyen-Orient", "Bourse", "Mondial", "Wall Street", "CAC 40"])
def test_nationality_region_market_words_are_no_actors(lex, text):
    assert not_actor(text, lex)
    assert name_of(text, lex) is None


@pytest.mark.parametrize("text", ["Reuters", "AFP", "AP", "Bloomberg", "Dow Jones", "Associated Press",
                                  "Agence France-Presse", "REUTERS"])
def test_news_agencies_are_sources_not_actors(lex, text):
    assert name_of(text, lex) is None


def test_nationality_before_a_person_is_dropped(lex):
    assert name_of("l'Espagnole Lina Perez", lex) == ("Lina Perez", None)
    assert name_of("Italo-Argentin Marco Venti", lex) == ("Marco Venti", None)
    assert name_of("Parlement italien", lex) == ("Parlement italien", None)  # an institution stays


def test_resolver_lists_no_nationality_or_agency(lex):
    names = [("Italien", "ORG")] * 5 + [("Reuters", "ORG")] * 3 + [("Amérique du Nord", "LOC")] * 4 + \
        [("Zorbix", "ORG")] * 2
    assert kinds(resolver(names, lex)) == {"Zorbix": "organisation"}


def test_sentence_pieces_are_no_names(lex):
    assert name_of("Tomas à la manœuvre", lex) is None
    assert name_of("Mais la nouvelle équipe", lex) is None
    assert name_of("SUR LES RAILS", lex) is None
    assert name_of("Tomas Brissac,52", lex) == ("Tomas Brissac", None)
    assert name_of("Zorbix.Cependant", lex) == ("Zorbix", None)


def test_first_name_typed_organisation_is_the_person(lex):
    names = [("Tomas Brissac", "PER")] * 3 + [("Tomas", "ORG")] * 2
    r = resolver(names, lex)
    assert kinds(r) == {"Tomas Brissac": "person"}


# ---- through the parser: mentions and facts of an article -------------------------------

ARTICLE = """Zorbix change de patron

Le conseil d'administration de Zorbix a nommé Tomas D'Orvalle directeur général, selon Reuters.
L'Italien Marco Venti, General Counsel de Zorbix, a salué ce choix. D'après les informations de Vestra, D'Orvalle prendra ses fonctions en mai.
Zorbix est présent en Amérique du Nord et en Asie, et la Bourse a salué la nouvelle.
"""


def test_article_mentions(parser, lex):
    from filrouge.extract.mentions import find_mentions
    from filrouge.models import CleanDocument

    doc = CleanDocument("x.txt", "h", None, "2031-03-02", "text", ARTICLE, (), (), (), "fr", ())
    p = next(iter(parser([doc])))
    ms = find_mentions(p.doc.body, p.sentences, p.entities, lex)
    by_kind = {(m.text, m.kind) for m in ms}
    orgs = {t for t, k in by_kind if k == "ORG"}
    pers = {t for t, k in by_kind if k == "PER"}
    assert "Zorbix" in orgs
    assert not orgs & {"Reuters", "Italien", "Amérique du Nord", "Asie", "Bourse", "Vestra"}
    assert not any("Counsel" in t or "Zorbix" in t for t in pers)
    assert not any("Vestra" in t for t in pers)  # cited as a source only
