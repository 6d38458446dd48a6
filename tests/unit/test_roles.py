"""The role model: terms solved per post, with invented people and organisations."""

from __future__ import annotations

from datetime import date

from filrouge.story.roles import Interval, holders, solve_post


def _names(ivs: list[Interval]) -> list[str]:
    return sorted(i.name for i in ivs)


def test_successor_closes_the_open_term() -> None:
    old = Interval("Acme", "CEO", "Jeanne Roux", start="2015-03-01")
    new = Interval("Acme", "CEO", "Paul Brun", start="2020-06-01")
    solve_post([old, new])
    assert old.end == "2020-05-31" and old.closed and old.ended_by == "Paul Brun"
    assert _names(holders([old, new], date(2019, 1, 1), single=True)) == ["Jeanne Roux"]
    assert _names(holders([old, new], date(2021, 1, 1), single=True)) == ["Paul Brun"]


def test_successor_known_only_by_a_report_bounds_the_end() -> None:
    old = Interval("Acme", "CEO", "Jeanne Roux", start="2015-03-01")
    new = Interval("Acme", "CEO", "Paul Brun", start_by="2020-06-30")
    solve_post([old, new])
    assert old.end is None and old.end_by == "2020-06-30"
    assert new.start_after == "2015-03-01"
    assert _names(holders([old, new], date(2022, 1, 1), single=True)) == ["Paul Brun"]


def test_stated_exit_is_not_moved_by_a_later_successor() -> None:
    old = Interval("Acme", "CEO", "Jeanne Roux", start="2015-03-01", end_by="2019-12-31", closed=True)
    new = Interval("Acme", "CEO", "Paul Brun", start="2021-01-10")
    solve_post([old, new])
    assert old.end is None and old.end_by == "2019-12-31"


def test_undated_return_after_the_interims() -> None:
    first = Interval("Acme", "CEO", "Jeanne Roux", end="2023-05-04", closed=True)
    interim = Interval("Acme", "CEO", "Marc Vidal", interim=True, start="2023-05-05")
    back = Interval("Acme", "CEO", "Jeanne Roux", is_return=True)
    terms = [first, interim, back]
    solve_post(terms)
    assert back.start_after == "2023-05-05"
    assert interim.closed and interim.ended_by == "Jeanne Roux"
    assert _names(holders(terms, date(2023, 5, 6), single=True)) == ["Marc Vidal"]
    assert _names(holders(terms, date(2023, 8, 1), single=True)) == ["Jeanne Roux"]


def test_two_interims_named_together_are_co_holders() -> None:
    a = Interval("Acme", "CEO", "Marc Vidal", interim=True, start="2023-05-05")
    b = Interval("Acme", "CEO", "Lina Soto", interim=True, start="2023-05-05")
    solve_post([a, b])
    assert not a.closed and not b.closed
    assert _names(holders([a, b], date(2023, 6, 1), single=True)) == ["Lina Soto", "Marc Vidal"]


def test_combined_title_is_weaker_than_a_chair_named_alone() -> None:
    ceo_as_pdg = Interval("Acme", "chair", "Jeanne Roux", start_by="2022-01-31", weak=True)
    chair = Interval("Acme", "chair", "Hugo Blanc", start_by="2022-01-31")
    assert _names(holders([ceo_as_pdg, chair], date(2022, 3, 1), single=True)) == ["Hugo Blanc"]
    # where nothing else names a chair, the combined title answers
    assert _names(holders([ceo_as_pdg], date(2022, 3, 1), single=True)) == ["Jeanne Roux"]


def test_sure_before_possible_and_collective_posts_keep_everyone() -> None:
    sure = Interval("Acme", "CEO", "Jeanne Roux", start="2020-01-01")
    maybe = Interval("Acme", "CEO", "Paul Brun")  # an undated claim
    assert _names(holders([sure, maybe], date(2021, 1, 1), single=True)) == ["Jeanne Roux"]
    a = Interval("Acme", "board member", "Jeanne Roux", start="2020-01-01")
    b = Interval("Acme", "board member", "Paul Brun", start="2020-01-01")
    assert _names(holders([a, b], date(2021, 1, 1), single=False)) == ["Jeanne Roux", "Paul Brun"]


def test_uncertain_bounds_stay_uncertain_in_json() -> None:
    iv = Interval("Acme", "CEO", "Paul Brun", start_after="2020-12-31", start_by="2021-12-31",
                  start_granularity="year")
    j = iv.to_json()
    assert j["start"] is None and j["start_after"] == "2020-12-31" and j["start_by"] == "2021-12-31"
    assert iv.holds(date(2021, 6, 1)) and not iv.sure(date(2021, 6, 1)) and iv.sure(date(2022, 1, 1))
    assert not iv.holds(date(2020, 6, 1))
