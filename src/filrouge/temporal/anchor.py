"""The anchor of an article: the interval of days it was written in, and where that came from.

A crawl often knows only the month of a page, or nothing. ``infer_anchor`` starts from what the
metadata says (a day, a month, a year) and refines a coarse or missing value from the page
itself: a "Publié le ..." line, a dateline at the head of a paragraph ("PARIS, 15 mars
(Reuters) -"), a date in a URL. When nothing states the day, the latest absolute date the
article reports as past gives an open range: the article was written on or after it. The
``basis`` always says which of these it is; nothing is guessed silently.

Cue words (publication lines) come from the language data file (``data/time/fr.yaml``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ..clean.dates import url_dates
from .tagger import TimeTagger, _alt, _time_data

Basis = Literal["published", "dateline", "text", "url", "inferred"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """Days ``start``..``end`` (inclusive; ``end`` None: on or after ``start``)."""

    start: date
    end: date | None
    granularity: str  # day | month | year | range
    basis: str  # published | dateline | text | url | inferred

    @property
    def exact(self) -> bool:
        return self.start == self.end

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None,
                "granularity": self.granularity, "basis": self.basis}

    @classmethod
    def day(cls, d: date, basis: str) -> Anchor:
        return cls(d, d, "day", basis)


def anchor_from_published(published: str | None) -> Anchor | None:
    """"YYYY-MM-DD[...]" -> a day, "YYYY-MM" -> a month, "YYYY" -> a year; None otherwise."""
    if not published:
        return None
    v = published.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", v):
            return Anchor.day(date.fromisoformat(v[:10]), "published")
        if re.fullmatch(r"\d{4}-\d{2}", v):
            y, m = int(v[:4]), int(v[5:])
            return Anchor(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month", "published")
        if re.fullmatch(r"\d{4}", v):
            y = int(v)
            return Anchor(date(y, 1, 1), date(y, 12, 31), "year", "published")
    except ValueError:
        return None
    return None


def _valid(y: int, m: int, d: int) -> date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


class _Finder:
    """Regexes for the page's own statements of its date, built from the language data."""

    def __init__(self, tagger: TimeTagger) -> None:
        data = _time_data(tagger.language)
        self.tagger = tagger
        M, W = _alt(tagger.months), _alt(tagger.weekdays)
        day_month = (r"(?:(?:" + W + r")\s+)?(?P<d>1er|\d{1,2})\s+(?P<m>" + M + r")\.?(?:\s+(?P<y>\d{4}))?"
                     r"|(?P<nd>\d{1,2})[/.-](?P<nm>\d{1,2})[/.-](?P<ny>\d{4})")
        self.published = re.compile(
            r"(?im)^[ \t]*(?:" + _alt(data["published_cues"]) + r")\s*[:,]?\s*(?:le\s+)?(?:" + day_month + r")(?!\d)")
        # "PARIS, 15 mars (Reuters) -", "Genève, 3 février 2022 (AFP)", "LYON, le 2 mai 2021 —"
        self.dateline = re.compile(
            r"(?m)^[ \t]*[A-ZÀ-Ý][\w'’. /-]{1,40}?,\s*(?:le\s+)?(?:" + day_month + r")\s*"
            r"(?:\([A-Z][\w .&/-]{1,30}\)\s*[-–—]?|[-–—])")
        self.conditional_rx = re.compile(r"\b[a-zàâçéèêëîïôûù]{3,}(?:" + _alt(data.get("conditional_suffixes", ["\x00"]))
                                         + r")\b", re.I)
        # "AFP-14 avril 2031:", "DIA - 3 février 2022 —": an agency's code before the date
        self.agency = re.compile(r"(?m)^[ \t]*[A-Z][A-Z&]{1,11}\s*[-–—]\s*(?:" + day_month + r")\s*[:–—-]")
        self.url = re.compile(r"https?://[^\s<>\"')\]]+", re.I)

    def conditional(self, text: str, pos: int) -> bool:
        """A conditional verb in the clause before the date ("qu'il quitterait ... le 30 juin")."""
        start = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos), pos - 200)
        return bool(self.conditional_rx.search(text, start + 1, pos))

    def day_month(self, m: re.Match[str]) -> tuple[int | None, int, int] | None:
        g = m.groupdict()
        if g.get("nd"):
            return int(g["ny"]), int(g["nm"]), int(g["nd"])
        d = 1 if g["d"].lower() == "1er" else int(g["d"])
        mo = self.tagger.months[g["m"].lower()]
        return (int(g["y"]) if g.get("y") else None), mo, d


def _resolve_year(y: int | None, mo: int, d: int, coarse: Anchor | None, latest: date | None) -> date | None:
    """A day-month of a dateline: the year it states, else the coarse anchor's, else that of the
    latest full date of the text (the year after when that would put it six months before)."""
    if y is not None:
        return _valid(y, mo, d)
    if coarse is not None and coarse.end is not None and coarse.start.year == coarse.end.year:
        return _valid(coarse.start.year, mo, d)
    if latest is not None:
        day = _valid(latest.year, mo, d)
        if day is not None and (latest - day).days > 183:
            day = _valid(latest.year + 1, mo, d)
        return day
    return None


def _fits(d: date, coarse: Anchor | None) -> bool:
    return coarse is None or coarse.contains(d)


def infer_anchor(text: str, published: str | None, tagger: TimeTagger | None = None,
                 url: str | None = None) -> Anchor | None:
    """The interval of days the article was written in. ``published`` is the metadata's value
    ("2018-05-17", "2018-05", "2018" or None), ``url`` the page's address."""
    coarse = anchor_from_published(published)
    if coarse is not None and coarse.exact:
        return coarse
    tagger = tagger or TimeTagger("fr")
    finder = _finder(tagger)
    stated = [d for d, _pos, _future in tagger.full_dates(text)]
    latest_stated = max(stated) if stated else None

    def refine(d: date | None, basis: str) -> Anchor | None:
        return Anchor.day(d, basis) if d is not None and _fits(d, coarse) else None

    # 1. the page says when it was published ("Publié le 3 mars 2021", "Mis à jour le 04/03/2021")
    for m in finder.published.finditer(text):
        y, mo, d = finder.day_month(m)
        hit = refine(_resolve_year(y, mo, d, coarse, latest_stated), "text")
        if hit:
            return hit
        break  # only the first statement: later ones belong to other pages (related articles)
    # 2. a dateline at the head of a paragraph
    heads = [m for rx in (finder.dateline, finder.agency) for m in rx.finditer(text)]
    for m in sorted(heads, key=lambda m: m.start())[:1]:
        y, mo, d = finder.day_month(m)
        hit = refine(_resolve_year(y, mo, d, coarse, latest_stated), "dateline")
        if hit:
            return hit
    # 3. the page's address, then addresses cited in the text
    month_hint: tuple[int, int] | None = None
    if url:
        days, months = url_dates(url)
        for d in days:
            hit = refine(d, "url")
            if hit:
                return hit
        month_hint = months[0] if months else None
    for m in finder.url.finditer(text):
        days, _months = url_dates(m.group(0))
        for d in days:
            # a link may point to an older page: without metadata, only a day that no date
            # the article reports is later than
            if coarse is None and latest_stated is not None and d < latest_stated:
                continue
            hit = refine(d, "url")
            if hit:
                return hit
    if month_hint is not None and (coarse is None or coarse.granularity == "year"):
        y, mo = month_hint
        month = Anchor(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month", "url")
        if _fits(month.start, coarse):
            coarse = month
    # 4. the latest absolute date the article reports as past: written on or after it
    past = [d for d, pos, future in tagger.full_dates(text, coarse) if not future and not finder.conditional(text, pos)]
    if coarse is not None:
        inside = [d for d in past if coarse.contains(d)]
        if inside and max(inside) > coarse.start:
            return Anchor(max(inside), coarse.end, "range", "inferred")
        return coarse
    if past:
        return Anchor(max(past), None, "range", "inferred")
    return None


def _finder(tagger: TimeTagger) -> _Finder:
    f = getattr(tagger, "_anchor_finder", None)
    if f is None:
        f = _Finder(tagger)
        tagger._anchor_finder = f  # type: ignore[attr-defined]
    return f
