"""Extraction and story rules that real news needs, on invented French sentences: effective
dates, taking a post back, tenures, names that stand for a company, dates from the page,
exits dated differently, successions told with "remplacer"."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from filrouge.clean.dates import DatelineParser, refine_published
from filrouge.lang import load_furniture
from filrouge.models import CleanDocument
from filrouge.story.build import Story
from filrouge.story.entities import Resolver
from filrouge.temporal.tagger import TimeTagger


def _facts(components, text: str, published: str | None) -> list:
    fields = {f.name for f in dataclasses.fields(CleanDocument)}
    values = dict(origin="t.txt", content_hash="h", title=None, published=published, published_basis="manifest",
                  body=text, comments=(), removed=(), flags=(), language="fr", paragraphs=())
    doc = CleanDocument(**{k: v for k, v in values.items() if k in fields})
    parsed = list(components.parser([doc]))[0]
    return list(components.extractor.extract(parsed.doc.body, published, parsed.sentences, parsed.entities, None))


def _one(facts, type_, person=None):
    got = [f for f in facts if f.type == type_ and (person is None or f.person == person)]
    assert got, [(f.type, f.person, f.org, f.role) for f in facts]
    return got[0]


def test_effective_date_apart_from_the_news(components):
    facts = _facts(components, "Le groupe Velor a annoncé mardi 3 mars que Claire Dumas sera remplacée par "
                               "Hugo Lenoir, qui prendra ses fonctions le 1er avril.\n", "2026-03")
    app = _one(facts, "appointment", "Hugo Lenoir")
    assert app.detail.get("replaces") == "Claire Dumas"
    assert app.detail.get("effective") == "2026-04-01"
    assert _one(facts, "departure", "Claire Dumas").detail.get("effective") == "2026-04-01"


def test_taking_a_post_back_is_a_return_only_after_an_exit(components):
    back = _facts(components, "Jean Morel avait quitté la direction de Velor en 2019. "
                              "Il reprend finalement la tête de Velor, a annoncé le groupe.\n", "2026-03")
    assert _one(back, "return", "Jean Morel")
    first = _facts(components, "Le fils du fondateur, Paul Morel, reprend les rênes de Velor.\n", "2026-03")
    assert _one(first, "appointment", "Paul Morel")
    assert not [f for f in first if f.type == "return"]


def test_tenure_in_years(components):
    facts = _facts(components, "Jean Morel a passé 12 ans chez Velor avant de rejoindre Orsa. "
                               "Après trois ans et demi à la tête de Velor, Claire Dumas est limogée.\n", "2026-03")
    assert _one(facts, "tenure", "Jean Morel").detail["value"] == 12
    assert _one(facts, "tenure", "Claire Dumas").detail["value"] == 3.5


def test_a_place_standing_for_the_company_is_not_its_organisation(components):
    facts = _facts(components, "Velor, le géant lyonnais, traverse une crise. "
                               "Jean Morel a accepté de reprendre la tête de la firme de Lyon, a précisé Velor "
                               "dimanche 8 mars.\n", "2026-03")
    start = [f for f in facts if f.type in ("appointment", "return") and f.person == "Jean Morel"]
    assert start and all(f.org != "Lyon" for f in start)
    assert start[0].date == "2026-03-08"  # the day of the reporting incise


def test_a_planned_day_does_not_date_what_follows(components):
    facts = _facts(components, "Jean Morel a déclaré qu'il quitterait Velor le 31 décembre 2027. "
                               "Il a repoussé son départ plusieurs fois.\n", None)
    later = [f for f in facts if f.type == "departure" and f.sentence == 1]
    assert all(f.date != "2027-12-31" for f in later)


def test_month_only_publication_refined_by_the_page():
    assert refine_published("2030-04", None, "https://ex.org/a/b-4412/?utm_content=20300412") == ("2030-04-12", "url")
    assert refine_published("2030-02", "2030-02-14T08:10:00", None) == ("2030-02-14T08:10:00", "text")
    assert refine_published("2030-02", None, "https://ex.org/2030/03/15/x") is None  # outside the month
    assert refine_published("2030-02-03", None, "https://ex.org/2030/02/05/x") is None  # already a day
    d = DatelineParser(load_furniture())
    assert d.dateline("9 avril 2030 , 09:15  •  3 vues") == "2030-04-09T09:15:00"
    assert d.dateline("14/05/2030 - #Auto , #Bourse") == "2030-05-14"
    assert d.dateline("Le 3 mars 2021 - Le ministre annonce des mesures") is None


def test_coordinated_decades_and_years_after_a_month_lead():
    tagger = TimeTagger("fr")
    got = {t.text: t.value for t in tagger.tag("Les acquisitions des années 1980 et 1990. Fin mars 2031, il part.",
                                               dct=date(2031, 6, 1))}
    assert got["des années 1980 et 1990"] == "198"
    assert got["Fin mars 2031"] == "2031-03"
    assert "1990" not in got


def _story(facts: list[dict]) -> Story:
    names = [(f["person"], "person") for f in facts if f["person"]] + [(f["org"], "organisation") for f in facts]
    return Story(facts, Resolver([], names))


def _fact(doc: str, type_: str, person: str, org: str, d: str | None, gran: str = "day", **kw) -> dict:
    base = dict(doc_id=doc, duplicate_of=None, sentence_idx=0, start=0, end=10, type=type_, person=person, org=org,
                role=None, role_surface=None, interim=False, date=d, date_end=d, granularity=gran if d else None,
                date_text="x" if d else None, date_basis="text" if d else None, negated=False, modality="stated",
                org_inferred=False, detail={}, published=None, source=doc, title=None, url=None, text="…")
    base.update(kw)
    return base


def test_one_exit_told_as_resignation_and_departure_with_two_days_is_a_conflict():
    facts = [_fact("a", "resignation", "Jean Morel", "Velor", "2031-03-02"),
             _fact("b", "departure", "Jean Morel", "Velor", "2031-03-03"),
             _fact("c", "dismissal", "Jean Morel", "Velor", "2031-02-01", "month", date_end="2031-02-28")]
    story = _story(facts)
    dated = [c for c in story.conflicts() if c["about"].startswith("day of the")]
    assert dated
    values = {v["value"] for c in dated for v in c["values"]}
    assert {"2031-03-02", "2031-03-03", "2031-02"} <= values


def test_tenures_that_differ_are_a_conflict():
    facts = [_fact("a", "tenure", "Jean Morel", "Velor", None, detail={"value": 9, "unit": "years"}),
             _fact("b", "tenure", "Jean Morel", "Velor", None, detail={"value": 8, "unit": "years"})]
    conflicts = _story(facts).conflicts()
    assert any(c["kind"] == "conflict" and {v["value"] for v in c["values"]} == {"9", "8"} for c in conflicts)


@pytest.mark.parametrize("years,kind", [(("2012", "2013"), True), (("2012", "2012"), False)])
def test_years_of_one_event_that_do_not_overlap_disagree(years, kind):
    facts = [_fact(doc, "appointment", "Jean Morel", "Velor", f"{y}-01-01", "year", date_end=f"{y}-12-31")
             for doc, y in zip("ab", years, strict=True)]
    story = _story(facts)
    assert bool([c for c in story.conflicts() if "appointment" in c["about"]]) is kind


def test_a_return_does_not_reopen_a_post_filled_for_good():
    facts = [_fact("a", "role", "Jean Morel", "Velor", "2031-01-10", role="chair"),
             _fact("a", "removal", "Jean Morel", "Velor", "2031-03-02", role="chair"),
             _fact("b", "appointment", "Ana Vidal", "Velor", "2031-03-20", role="chair"),
             _fact("b", "return", "Jean Morel", "Velor", "2031-03-20")]
    story = _story(facts)
    assert [t.name for t in story.holders("Velor", "chair", date(2031, 4, 1))] == ["Ana Vidal"]


def test_an_undated_handover_exit_takes_the_successors_day():
    facts = [_fact("a", "appointment", "Ana Vidal", "Velor", "2031-01-02", role="chair",
                   detail={"replaces": "Jean Morel"}),
             _fact("b", "departure", "Jean Morel", "Velor", None, modality="plan",
                   detail={"replaced_by": "Ana Vidal"})]
    ev = next(e for e in _story(facts).events if e.type == "departure")
    assert (ev.date, ev.date_basis) == ("2031-01-02", "context")


def test_the_state_as_a_shareholder(components):
    facts = _facts(components, "Le projet a le soutien de l'État français, qui détient une participation de 21,5 % "
                               "dans Velor SA. Le conseil de Velor SA a nommé Jean Morel administrateur, avec l'appui "
                               "de l'Etat français actionnaire à 21,4 % de la compagnie.\n", "2030-04")
    stakes = [f for f in facts if f.type == "stake"]
    assert {(f.detail["holder"], f.detail["percent"]) for f in stakes} == {("État français", 21.5), ("État français", 21.4)}
    assert {f.org for f in stakes} == {"Velor SA"}


def test_the_news_and_the_day_it_takes_effect_do_not_disagree():
    facts = [_fact("a", "departure", "Jean Morel", "Velor", "2031-03-02"),
             _fact("b", "departure", "Jean Morel", "Velor", "2031-03-06", modality="plan")]
    assert not [c for c in _story(facts).conflicts() if c["about"].startswith("day of the")]


def test_years_at_the_company_and_years_in_a_post_are_two_figures():
    facts = [_fact("a", "tenure", "Jean Morel", "Velor", None, detail={"value": 30, "unit": "years", "at": "company"}),
             _fact("b", "tenure", "Jean Morel", "Velor", None, detail={"value": 8, "unit": "years", "at": "post"})]
    assert not _story(facts).conflicts()


def test_a_day_without_a_year_takes_the_year_other_sources_give():
    # 2031-08-21 is a Thursday; the other source dates the same appointment ten days later
    facts = [_fact("a", "appointment", "Ana Vidal", "Velor", None, granularity="day", date_text="jeudi 21 août",
                   date_basis="text", detail={"yearless": "08-21", "weekday": 3}),
             _fact("b", "appointment", "Ana Vidal", "Velor", "2031-09-01", modality="plan")]
    placed = _story(facts).facts[0]
    assert (placed["date"], placed["detail"]["year_from"]) == ("2031-08-21", "other sources")
    wrong_day = [dict(facts[0], detail={"yearless": "08-21", "weekday": 4}), facts[1]]
    assert _story(wrong_day).facts[0]["date"] is None  # the weekday does not fit 2031


def test_yearless_days_are_kept_for_the_story(components):
    facts = _facts(components, "Velor a annoncé jeudi 21 août la promotion de Ana Vidal au poste de directrice "
                               "générale, succédant ainsi à Jean Morel, qui quitte la société.\n", None)
    app = _one(facts, "appointment", "Ana Vidal")
    assert (app.role, app.date, app.detail.get("yearless"), app.detail.get("weekday")) == ("CEO", None, "08-21", 3)
    assert _one(facts, "departure", "Jean Morel").detail.get("yearless") == "08-21"


def test_appointed_to_the_post_held_elsewhere_is_not_there(components):
    facts = _facts(components, "La société Velor change de patron. Les comptes de la société Velor sont bons. "
                               "Le directeur général d'Orsa, "
                               "Jean Morel, a été nommé comme CEO au 1er septembre.\n", "2031-09-03")
    assert _one(facts, "appointment", "Jean Morel").org == "Velor"


def test_tenures_in_a_list_in_named_posts_and_in_a_relative_clause(components):
    facts = _facts(components, "Jean Morel quitte Velor après 50 ans de service dont 14 années au sein du conseil "
                               "d'administration, 9 ans comme directeur général et 9 ans comme président. "
                               "Ana Vidal va succéder à Hugo Petit, qui a occupé cette fonction pendant neuf ans.\n",
                   "2031-05-02")
    got = {(f.person, f.detail["value"], f.detail["at"], f.role) for f in facts if f.type == "tenure"}
    assert got == {("Jean Morel", 50, "company", None), ("Jean Morel", 14, "post", "board member"),
                   ("Jean Morel", 9, "post", "CEO"), ("Jean Morel", 9, "post", "chair"), ("Hugo Petit", 9, "post", None)}


def test_years_in_two_posts_do_not_disagree():
    facts = [_fact("a", "tenure", "Jean Morel", "Velor", None, role="CEO", detail={"value": 15, "unit": "years", "at": "post"}),
             _fact("b", "tenure", "Jean Morel", "Velor", None, role="chair", detail={"value": 2, "unit": "years", "at": "post"}),
             _fact("c", "tenure", "Jean Morel", "Velor", None, role="CEO", detail={"value": 14, "unit": "years", "at": "post"})]
    conflicts = _story(facts).conflicts()
    assert [sorted(v["value"] for v in c["values"]) for c in conflicts] == [["14", "15"]]


def test_a_copula_states_a_role_and_its_start(components):
    facts = _facts(components, "Jean Morel est le directeur général de Velor depuis janvier 2027.\n", "2031-05-02")
    role = _one(facts, "role", "Jean Morel")
    assert (role.role, role.org, role.detail.get("since")) == ("CEO", "Velor", "2027-01-01")


def test_one_start_told_in_two_years_is_a_conflict_two_terms_are_not():
    since = _fact("b", "appointment", "Jean Morel", "Velor", "2027-06-01", "month", date_end="2027-06-30", role="CEO",
                  detail={"trigger": "depuis", "since": True})
    facts = [_fact("a", "appointment", "Jean Morel", "Velor", "2026-01-01", "year", date_end="2026-12-31"), since]
    got = [c for c in _story(facts).conflicts() if c["about"].startswith("when Jean Morel took up")]
    assert [[v["value"] for v in c["values"]] for c in got] == [["2026", "2027-06"]]
    far = [_fact("a", "appointment", "Jean Morel", "Velor", "2020-01-01", "year", date_end="2020-12-31"), since]
    assert not [c for c in _story(far).conflicts() if c["about"].startswith("when")]


def test_an_exit_told_by_month_beside_a_day_is_one_exit(components):
    facts = [_fact("a", "departure", "Jean Morel", "Velor", "2031-12-01"),
             _fact("b", "dismissal", "Jean Morel", "Velor", "2031-11-01", "month", date_end="2031-11-30")]
    story = _story(facts)
    assert {(e.type, e.date) for e in story.events} == {("departure", "2031-12-01"), ("dismissal", "2031-12-01")}
    assert [sorted(v["value"] for v in c["values"]) for c in story.conflicts()] == [["2031-11", "2031-12-01"]]
    org = _facts(components, "Ana Vidal dirige la société Velor. Les comptes de la société Velor sont bons. Elle voyage "
                             "en Orsa. Fin novembre 2031, c'est elle qui a mis fin aux fonctions de Jean Morel à la "
                             "direction du groupe.\n", "2031-12-03")
    assert _one(org, "dismissal", "Jean Morel").org == "Velor"


def test_a_company_and_its_head_read_as_one_name_and_the_start_of_a_term(components):
    facts = _facts(components, "Ce dimanche, le patron du constructeur automobile Velor Jean Morel, en place depuis "
                               "2027, a annoncé sa démission.\n", "2031-12-07")
    role = _one(facts, "role", "Jean Morel")
    assert (role.org, role.role, role.detail.get("since")) == ("Velor", "CEO", "2027-01-01")
    start = _one(facts, "appointment", "Jean Morel")
    assert (start.org, start.date, start.granularity, start.detail.get("since")) == ("Velor", "2027-01-01", "year", True)


def test_a_group_is_not_the_person_of_the_story(components):
    facts = _facts(components, "Jean Morel a été licencié par Velor vendredi. Selon la presse, sans accord, il y aura "
                               "un grand nombre de salariés qui démissionneront.\n", "2031-05-02")
    assert not [f for f in facts if f.type == "resignation"]
    one = _facts(components, "Rien d'étonnant, Ana Vidal est l'une des fondatrices d'Orsa, qui a démissionné de son poste "
                             "de directrice générale en mars 2030.\n", "2031-05-02")
    assert _one(one, "resignation", "Ana Vidal").date == "2030-03-01"


def test_a_mention_of_an_exit_is_that_exit_not_a_second_one():
    fired = _fact("a", "dismissal", "Jean Morel", "Velor", "2031-03-02")
    later = _fact("b", "resignation", "Jean Morel", "Velor", "2031-03-05", date_basis="published", date_text=None)
    undated = _fact("c", "departure", "Jean Morel", "Velor", None)
    story = _story([fired, later, undated])
    exits = [e.to_json() for e in story.events]
    assert [(e["type"], e["date"], e["support"], e["told_as"]) for e in exits] == [
        ("dismissal", "2031-03-02", 3, {"resignation": 1, "departure": 1})]
    # a start between them: the later exit may be another one
    back = _fact("d", "appointment", "Jean Morel", "Velor", "2031-03-04")
    assert len([e for e in _story([fired, later, back]).events if e.type in ("dismissal", "resignation")]) == 2


def test_a_quote_is_dated_by_its_article_and_tied_to_its_speakers_post(components):
    facts = _facts(components, "« Nous allons tout reconstruire avec nos équipes », a déclaré le directeur général de "
                               "Velor, Jean Morel.\n", "2031-05-02")
    quote = _one(facts, "quote", "Jean Morel")
    assert (quote.org, quote.date, quote.date_basis) == ("Velor", "2031-05-02", "published")
    story = _story([_fact("a", "quote", "Jean Morel", "Velor", "2031-05-02",
                          detail={"quote": "Nous allons tout reconstruire", "speaker": "Jean Morel"})])
    [event] = story.timeline(person="Jean Morel")
    assert (event["person"], event["speaker"], event["org"]) == (None, "Jean Morel", "Velor")


def test_a_start_reported_on_a_day_is_not_before_the_year_its_sources_state():
    facts = [_fact("a", "appointment", "Ana Vidal", "Velor", "2020-01-01", "year", date_end="2020-12-31", role="CEO"),
             _fact("b", "appointment", "Jean Morel", "Velor", "2031-01-01", "year", date_end="2031-12-31", role="CEO"),
             _fact("c", "appointment", "Jean Morel", "Velor", "2031-02-25", role="CEO", date_basis="published",
                   date_text=None)]
    story = _story(facts)
    [term] = [i for i in story.roles("Velor", "CEO") if i.name == "Jean Morel"]
    assert (term.start, term.start_after, term.start_by) == (None, "2030-12-31", "2031-02-25")
    assert [h.name for h in story.holders("Velor", "CEO", date(2030, 6, 1))] == ["Ana Vidal"]


def test_a_post_held_until_a_day_ends_then(components):
    facts = _facts(components, "Le groupe Velor change de direction. Jean Morel restera président du groupe Velor "
                               "et se chargera des acquisitions jusqu'à l'expiration de son mandat, le 31 décembre "
                               "2031, précise le groupe.\n", "2031-02-25")
    end = _one(facts, "departure", "Jean Morel")
    assert (end.org, end.role, end.date, end.modality) == ("Velor", "chair", "2031-12-31", "plan")
    past = _facts(components, "Le groupe Velor rappelle son patron. Jean Morel a dirigé la société de 2015 à 2020 et "
                              "était resté président du groupe Velor jusqu'à fin 2021.\n", "2031-02-25")
    assert _one(past, "departure", "Jean Morel").modality == "stated"


def test_an_exit_naming_no_post_ends_the_post_named_by_its_twin():
    facts = [_fact("a", "departure", "Jean Morel", "Velor", "2031-02-25"),
             _fact("b", "resignation", "Jean Morel", "Velor", "2031-02-25", role="CEO"),
             _fact("c", "role", "Jean Morel", "Velor", "2031-01-10", role="chair", date_basis="published"),
             _fact("d", "role", "Jean Morel", "Velor", "2031-06-01", role="chair", date_basis="published")]
    story = _story(facts)
    assert [h.name for h in story.holders("Velor", "chair", date(2031, 5, 1))] == ["Jean Morel"]
    assert [i.end for i in story.roles("Velor", "CEO")] == ["2031-02-25"]
