"""What the report, the web app and the exports show: one JSON-able payload built from the
store and the story computed over it.

Every source a view shows carries its provenance (article, sentence span) and the text around
it, so a reader can check each claim where it was made. Nothing here produces HTML: the views
build their DOM from this data with text nodes only, which is what keeps article text inert.
"""

from __future__ import annotations

import calendar
import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..store.repository import DocRow, Store
from ..story.build import Story

CONTEXT_CHARS = 240  # characters shown either side of a source sentence

# ---- how sure a date is -----------------------------------------------------------------
# The story gives each event the interval of days its date covers (date .. date_end), its
# granularity and its basis; role intervals give known days and bounds (start / start_by /
# start_after, end / end_by), maybe with a granularity. The views never show an estimated,
# coarse or bounded date as if it were a stated day: what follows spells out, for every
# event and interval, the bounds and the words the page, the exports and the chart use.

ESTIMATED_BASES = ("published", "inferred")  # only the publication day, or another estimate
FINE = ("day", "part-of-day", "hour", "minute", "second")  # as sure as a day
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer",
           7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
BASIS_NOTE = {"published": "estimated date (publication)", "inferred": "estimated date (inferred)"}


def _first_day(value: str | None) -> date | None:
    """The first day of "YYYY", "YYYY-MM" or "YYYY-MM-DD..." (None for anything else)."""
    if not value:
        return None
    v = str(value)[:10]
    try:
        if len(v) == 4:
            return date(int(v), 1, 1)
        if len(v) == 7:
            return date(int(v[:4]), int(v[5:7]), 1)
        return date.fromisoformat(v)
    except ValueError:
        return None


def precision(value: str | None, granularity: str | None) -> str | None:
    """How fine a date is: "day", "week", "month", "season", "year", "decade", "century"..."""
    if not value:
        return None
    if granularity and granularity not in FINE and granularity not in ("unknown", "duration", "set"):
        return granularity
    v = str(value)[:10]
    return "year" if len(v) == 4 else "month" if len(v) == 7 else "day"


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


@functools.lru_cache(maxsize=1 << 16)  # (a large story's bars share their days)
def period(value: str | None, granularity: str | None = None) -> tuple[str | None, str | None]:
    """First and last day (ISO) a date with this granularity may be."""
    first = _first_day(value)
    if first is None:
        return None, None
    g = precision(value, granularity)
    if g == "week":
        last = first + timedelta(days=6)
    elif g == "month":
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    elif g in ("season", "quarter"):
        last = _add_months(first, 3) - timedelta(days=1)
    elif g == "year":
        last = date(first.year, 12, 31)
    elif g == "decade":
        first = date(first.year // 10 * 10, 1, 1)
        last = date(first.year + 9, 12, 31)
    elif g == "century":
        first = date(first.year // 100 * 100, 1, 1)
        last = date(first.year + 99, 12, 31)
    else:
        last = first
    return first.isoformat(), last.isoformat()


def day_label(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@functools.lru_cache(maxsize=1 << 16)
def date_label(value: str | None, granularity: str | None = None, end: str | None = None) -> str:
    """Words for a date as precise as it is known: "12 March 2024", "May 2018", "2021", "1980s"."""
    first = _first_day(value)
    if first is None:
        return "undated"
    g = precision(value, granularity)
    if g == "week":
        return f"week of {day_label(first)}"
    if g == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if g == "season":
        return f"{SEASONS[first.month]} {first.year}"
    if g == "year":
        return str(first.year)
    if g == "decade":
        return f"{first.year // 10 * 10}s"
    if g == "century":
        return f"{first.year // 100 * 100}–{first.year // 100 * 100 + 99}"
    last = _first_day(end)
    if last and last > first and g == "day":
        return f"{day_label(first)} – {day_label(last)}"
    return day_label(first)


def event_dates(ev: dict[str, Any]) -> dict[str, Any]:
    """Add to an event (in place) how sure its date is: ``estimated`` (only estimated: from the
    publication day or inferred), ``date_precision``, ``date_coarse`` (coarser than a day),
    ``date_uncertain`` (estimated or undated), ``date_label`` (words, "≈" when estimated) and
    ``date_note`` (why it is uncertain)."""
    basis = ev.get("date_basis")
    dated = bool(ev.get("date"))
    est = dated and (bool(ev.get("estimated")) or basis in ESTIMATED_BASES)
    prec = precision(ev.get("date"), ev.get("granularity"))
    ev["estimated"] = est
    ev["date_precision"] = prec
    ev["date_coarse"] = prec is not None and prec != "day"
    ev["date_uncertain"] = est or not dated
    label = date_label(ev.get("date"), ev.get("granularity"), ev.get("date_end"))
    ev["date_label"] = ("≈ " + label) if est else label
    ev["date_note"] = (BASIS_NOTE.get(basis or "", "estimated date") if est else
                       "no date known" if not dated else f"{prec} only" if ev["date_coarse"] else "")
    return ev


def interval_bounds(iv: dict[str, Any]) -> dict[str, Any]:
    """Add to a role interval (in place) the days between which it started and ended:
    ``start_lo``..``start_hi`` (the earliest and latest day it may have started; equal for a
    known day; ``start_lo`` is None when nothing bounds it before), ``end_lo``..``end_hi``
    likewise, ``start_uncertain`` / ``end_uncertain`` and ``dates_label`` (words). The
    story's ``seen_last`` (last day a source says it was still held), when given, is where the
    chart stops being sure of an unknown end."""
    sg, eg = iv.get("start_granularity"), iv.get("end_granularity")
    if iv.get("start"):
        slo, shi = period(iv["start"], sg)
    else:
        slo, shi = (iv.get("start_after") or None), (iv.get("start_by") or None)
        # "started after D": the earliest start is the day after
        slo = (date.fromisoformat(period(slo)[0]) + timedelta(days=1)).isoformat() if slo else None
        shi = period(shi)[0] if shi else None
    if iv.get("end"):
        elo, ehi = period(iv["end"], eg)
    else:
        elo, ehi = None, (period(iv["end_by"])[0] if iv.get("end_by") else None)
    iv["start_lo"], iv["start_hi"], iv["end_lo"], iv["end_hi"] = slo, shi, elo, ehi
    iv["start_uncertain"] = not (slo and slo == shi)
    iv["end_uncertain"] = not iv.get("open") and not (elo and elo == ehi)
    if iv.get("start"):
        s = ("from " + date_label(iv["start"], sg)) + ("" if slo == shi else " (day unknown)")
    elif iv.get("start_by") and iv.get("start_after"):
        s = f"started between {date_label(iv['start_after'])} and {date_label(iv['start_by'])}"
    elif iv.get("start_by"):
        s = f"held by {date_label(iv['start_by'])} (start unknown)"
    elif iv.get("start_after"):
        s = f"started after {date_label(iv['start_after'])}"
    else:
        s = "start unknown"
    seen = iv.get("seen_last")
    if seen and not iv.get("end") and seen not in (iv.get("start"), iv.get("start_by")):
        s += f", still held on {date_label(seen)}"
    if iv.get("end"):
        e = "to " + date_label(iv["end"], eg) + ("" if elo == ehi else " (day unknown)")
    elif iv.get("end_by"):
        e = f"ended by {date_label(iv['end_by'])} (day unknown)"
    elif iv.get("open"):
        e = "still held (open)"
    else:
        e = "ended, day unknown"
    iv["dates_label"] = f"{s} — {e}"
    return iv


def _article(d: DocRow) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "source": d.source, "published": d.published,
            "published_basis": d.published_basis, "url": d.url, "language": d.language,
            "words": d.word_count, "duplicate_of": d.duplicate_of, "similarity": d.similarity}


def fold_duplicates(rows: Iterable[DocRow]) -> list[dict[str, Any]]:
    """Articles in store order with copies folded under their original (``copies``)."""
    items = [_article(d) for d in rows]
    by_id = {a["id"]: a for a in items}
    out = []
    for a in items:
        orig = by_id.get(a["duplicate_of"] or "")
        if orig is not None and orig is not a:
            orig.setdefault("copies", []).append(a)
        else:
            out.append(a)
    for a in out:
        a.setdefault("copies", [])
    return out


def _all_sources(payload: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for ev in payload["events"]:
        yield from ev["sources"]
        for srcs in ev["conflicting_dates"].values():
            yield from srcs
    for iv in payload["intervals"]:
        yield from iv["sources"]
    for c in payload["conflicts"]:
        for v in c["values"]:
            yield from v["sources"]


def add_context(store: Store, payload: dict[str, Any]) -> None:
    """Give every source the text just before and after its span, from its article's body."""
    sources = list(_all_sources(payload))
    bodies = store.bodies({s["doc"] for s in sources})
    for s in sources:
        body = bodies.get(s["doc"])
        if body is None:
            continue
        a, b = s["start"], s["end"]
        s["before"] = body[max(0, a - CONTEXT_CHARS):a]
        s["hit"] = body[a:b]
        s["after"] = body[b:b + CONTEXT_CHARS]


def lanes(intervals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The role chart: one lane per organisation and role, its bars in start order."""
    by: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for i, iv in enumerate(intervals):
        iv["id"] = i
        by[(iv["org"], iv["role"])].append(iv)
    out = []
    for (org, role), bars in sorted(by.items()):
        bars.sort(key=lambda b: b.get("start_hi") or b.get("start_lo") or b["start"] or b["start_by"]
                  or b["start_after"] or "")
        out.append({"org": org, "role": role, "bars": bars})
    return out


def story_payload(store: Store, story: Story, *, articles: bool = True, bodies: bool = False,
                  events: list[dict[str, Any]] | None = None, context: bool = True,
                  bar_sources: int | None = None) -> dict[str, Any]:
    """Everything the views show. ``bodies``: include each article's clean text and what the
    cleaner removed (the self-contained report); otherwise articles are fetched one by one.
    ``bar_sources`` (the app): no flat interval list (the page draws ``lanes``), and each bar
    carries at most that many of its sources, with ``sources_total`` (the page fetches them
    from ``/api/roles/ORG`` when the bar is opened)."""
    evs = story.timeline() if events is None else events
    for n, ev in enumerate(evs):
        ev["id"] = n
        event_dates(ev)
    if bar_sources == 0:  # (the stored story keeps its bars without sources)
        intervals = [interval_bounds(b) for b in story.bars()]
    else:
        intervals = [interval_bounds(iv.to_json()) for iv in story.intervals]
    if bar_sources is not None:
        for iv in intervals:
            if len(iv["sources"]) > bar_sources:
                iv["sources_total"] = len(iv["sources"])
                iv["sources"] = iv["sources"][:bar_sources]
    payload: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {"articles": store.count("documents"), "facts": store.count("facts")},
        "events": evs,
        **({} if bar_sources is not None else {"intervals": intervals}),
        "lanes": lanes(intervals),
        "conflicts": story.conflicts(),
        "entities": story.entities(),
        "articles": fold_duplicates(store.documents()) if articles else [],
    }
    if context:
        add_context(store, payload)
    if bodies:
        payload["bodies"] = {}
        for doc_id, rec in store.article_texts().items():
            payload["bodies"][doc_id] = rec
    return payload
