"""Temporal expressions: found by rules, normalised to TIMEX3 values and to intervals with a
granularity, anchored on the article's publication date (the DCT).

Vocabulary (months, weekdays, number words, units, relative words) comes from the language
data files; the rules below are general. Without a publication date, relative expressions
stay unresolved (``value`` keeps X placeholders, ``start``/``end`` are None): never a guess.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import yaml

from ..errors import ConfigError
from ..lang import load_language

if TYPE_CHECKING:
    from .anchor import Anchor

Granularity = Literal["second", "minute", "hour", "part-of-day", "day", "week", "month", "season", "year",
                      "decade", "century", "duration", "set", "unknown"]


@dataclass(frozen=True, slots=True)
class TimeExpression:
    text: str
    start: int  # character offsets in the text it was found in
    end: int
    type: str  # DATE, TIME, DURATION, SET
    value: str  # TIMEX3 value: 2023-11-17, 2023-11, 2023-W46, 1985, P1W, 2023-11-19TEV, XXXX-WXX-1
    granularity: str
    anchored: bool  # resolved against the publication date (or another date of the text)
    interval_start: str | None = None  # first day covered (ISO), for DATE/TIME
    interval_end: str | None = None  # last day covered (ISO)
    # True when the publication date is only known coarsely (a month, a year, a range): the
    # interval is then the union of what the expression means for every day it may have been
    # written on, and ``value`` keeps only the part that is certain ("2018-05", "2018", X...)
    uncertain: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=8)
def _time_data(code: str) -> dict[str, Any]:
    try:
        text = resources.files("filrouge.data.time").joinpath(f"{code}.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"no temporal data for '{code}' (filrouge/data/time/{code}.yaml)") from exc
    return yaml.safe_load(text)


def _alt(words: Any) -> str:
    """A regex alternation of words, longest first; a space inside a phrase matches any spacing."""
    return "|".join(re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _shift_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month_bounds(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


class TimeTagger:
    """Finds and normalises temporal expressions in one language."""

    def __init__(self, language: str = "fr") -> None:
        self.language = language
        self._last_spans: tuple[str, list[tuple[int, int, str, re.Match[str]]]] | None = None
        lang = load_language(language)
        data = _time_data(language)
        self.months = {k: v for k, v in lang.months.items() if len(k) > 3 or k in ("mai", "mars", "juin")}
        self.weekdays = lang.weekdays
        self.numbers: dict[str, int] = {str(k): int(v) for k, v in data["numbers"].items()}
        self._compound_numbers(data.get("number_tens", {}))
        self.approx_nouns: dict[str, int] = data["approx_nouns"]
        self.modifiers: dict[str, str] = data["period_modifiers"]
        self.units: dict[str, str] = data["units"]
        self.rel_days: dict[str, int] = data["relative_days"]
        self.parts: dict[str, str] = data["parts_of_day"]
        self.last_words = set(data["last_words"])
        self.next_words = set(data["next_words"])
        self.seasons: dict[str, str] = data["seasons"]
        self.future_cues = tuple(data["future_cues"])
        self._future_rx = re.compile(r"\b[a-zàâçéèêëîïôûù]{3,}(?:" + _alt(data["future_suffixes"]) + r")\b"
                                     r"|(?<![\w-])(?:" + _alt(self.future_cues) + r")(?![\w-])")
        self._future_lead = re.compile(r"(?<![\w-])(?:" + _alt(data["future_lead"]) + r")(?:\s+(?:du|de|le|la|l['’]))?\s*$", re.I)
        self.refs: dict[str, str] = {k.lower(): v for k, v in data["reference_words"].items()}
        self.duration_nouns: dict[str, str] = {k.lower(): v for k, v in data["duration_nouns"].items() if v}
        M, W = _alt(self.months), _alt(self.weekdays)
        N = r"\d+(?:[.,]\d+)?|" + _alt(self.numbers)
        U = _alt(self.units)
        P = _alt(self.parts)
        LAST, NEXT = _alt(self.last_words), _alt(self.next_words)
        S = _alt(self.seasons)
        R = _alt(self.rel_days)
        B, E = r"(?<![\w-])", r"(?![\w-])"
        flags = re.I
        HALF = r"(?P<half>\s+(?:" + _alt(data["half_words"]) + r"))?"
        AN = r"(?:une\s+)?(?P<an>" + _alt(self.approx_nouns) + r")\s+d(?:e\s+|['’]\s*)"
        MOD = r"(?P<mod>" + _alt(self.modifiers) + r")"
        D1 = r"1er|premier|\d{1,2}"
        part_lead = r"(?:" + "|".join(r"(?<=\b" + re.escape(w) + r"\s)" for w in data["part_lead"]) + r")"
        self.patterns: list[tuple[str, re.Pattern[str]]] = [
            ("date_dmy", re.compile(B + r"(?:(?:le|du|au)\s+)?(?:(?P<wd>" + W + r")\s+)?(?P<d>" + D1 + r")\s+(?P<m>" + M
                                    + r")(?:\s+(?P<y>\d{4}|\d{2}(?![\d\w])))?(?:\s+(?P<rel>" + LAST + "|" + NEXT + r"))?" + E, flags)),
            ("wd_daynum", re.compile(B + r"(?:(?:le|du|au|ce)\s+)?(?P<wd>" + W + r")\s+(?P<d>1er|\d{1,2})(?=\s*[,.;:!?)»]|\s*$|\s+(?:"
                                     + _alt(list(data["weekday_day_followers"]) + list(self.parts)) + r")(?![\w-]))", flags)),
            ("day_coord", re.compile(B + r"(?:les|le|des|du|entre\s+le)\s+(?P<d>" + D1 + r")(?=\s*(?:et|au|à|-|,)\s*(?:le\s+)?(?:" + D1
                                     + r")(?:\s*(?:et|au|,)\s*(?:le\s+)?(?:" + D1 + r"))?\s+(?P<m>" + M + r")(?:\s+(?P<y>\d{4}))?(?:\s+(?P<rel>"
                                     + LAST + "|" + NEXT + r"))?(?![\w-]))", flags)),
            ("day_alone", re.compile(B + r"le\s+(?P<d>1er|\d{1,2})(?=\s*[,;])(?!\s*,\s*(?:" + _alt(data["street_words"]) + r")\b)", flags)),
            # "les années 2000 et 2010": the coordinated decade is a decade too, not a year
            ("decade", re.compile(B + r"(?:(?:les|des|aux)\s+)?années\s+(?P<dec>(?:19|20)?\d0)(?!\d)"
                                  r"(?:\s*(?:et|,|ou)\s*(?:les\s+années\s+)?(?:19|20)?\d0(?!\d))?" + E, flags)),
            ("mod_year", re.compile(B + r"(?:(?:la|le)\s+)?" + MOD + r"\s*(?:de\s+l['’]année\s+|d['’]année\s+)?(?P<y>(?:1[89]|20)\d{2})(?![\d,.]\d)" + E, flags)),
            ("mod_period", re.compile(B + r"(?:(?:la|le|au)\s+)?" + MOD + r"\s*(?:de\s+l['’]\s*|d['’]\s*|du\s+|de\s+la\s+|de\s+cette\s+|de\s+ce\s+|de\s+)"
                                      r"(?P<what>année|an|mois|semaine|trimestre|week-end)(?:\s+(?P<rel>" + LAST + "|" + NEXT + r"|en\s+cours))?" + E, flags)),
            # (a lookahead first: at most places it fails at once, before a dozen lookbehinds are tried)
            ("the_part", re.compile(r"(?=la\s)" + part_lead + r"la\s+(?P<p>nuit|soirée|matinée|journée)(?:\s+(?P<rel>" + LAST + r"))?(?!\s+d[eu]\s)" + E, flags)),
            ("same_part", re.compile(B + r"(?:le|ce)\s+(?P<p>" + P + r"|jour)\s+même" + E, flags)),
            ("last_n", re.compile(B + r"(?:les|des|ces)\s+(?P<n>" + N + r")\s+(?:" + LAST + "|" + NEXT + r")\s+(?P<u>" + U + r")" + E, flags)),
            ("approx", re.compile(B + AN + r"(?P<u>" + U + r")" + E, flags)),
            ("date_num", re.compile(B + r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}|\d{2})" + E)),
            ("month_year", re.compile(B + r"(?:(?:au\s+)?mois\s+d[e']\s*)?(?P<m>" + M + r")\s+(?P<y>\d{4}|\d{2})" + E, flags)),
            ("month_rel", re.compile(B + r"(?:(?:au\s+)?mois\s+d[e']\s*)?(?P<m>" + M + r")\s+(?P<rel>" + LAST + "|" + NEXT + r")" + E, flags)),
            ("month_bare", re.compile(r"(?=au\s|mois\s|" + M + "|" + _alt(data["month_lead"]) + r")(?:(?:(?<=\ben )|(?<=\bde )|(?<=\bd')|(?<=\bd’)|(?<=\bdepuis ))(?:(?:au\s+)?mois\s+d[e']\s*)?(?P<m>" + M + r")" + E
                                      + "|" + B + r"(?:" + _alt(data["month_lead"]) + r")\s*(?P<m2>" + M + r")(?:\s+(?P<y2>(?:19|20)\d{2}))?" + E + ")", flags)),
            ("mois_de", re.compile(B + r"mois\s+d[e']\s*(?P<m>" + M + r")" + E, flags)),
            ("rel_day_part", re.compile(B + r"(?P<r>" + R + r")(?:\s+(?P<wd>" + W + r"))?(?:(?:\s+|-)(?:au\s+|dans\s+la\s+|en\s+)?(?P<p>" + P + r"))?"
                                        r"(?:\s+à\s+(?P<ch>\d{1,2})\s*h\s*(?P<cm>\d{2})?)?" + E, flags)),
            ("this_part", re.compile(B + r"(?:" + _alt(data["this_words"]) + r")\s+(?P<p>" + P + r")" + E, flags)),
            ("weekday", re.compile(B + r"(?:(?P<le>le)\s+)?(?:(?P<this>ce)\s+)?(?P<same>même\s+)?(?P<wd>" + W + r")(?:\s+(?P<p>" + P + r"))?(?:\s+(?P<rel>" + LAST + "|" + NEXT + r"))?"
                                   + E, flags)),
            ("rel_period", re.compile(B + r"(?P<what>la\s+semaine|le\s+mois|l'année|l’année|l'an|l’an|le\s+week-end|le\s+trimestre)\s+(?P<rel>" + LAST + "|" + NEXT + r")" + E, flags)),
            ("this_period", re.compile(B + r"(?P<what>cette\s+semaine|ce\s+mois-ci|ce\s+mois|cette\s+année|ce\s+week-end|cet\s+été|cet\s+hiver|cet\s+automne|ce\s+printemps)" + E, flags)),
            ("ago", re.compile(B + r"(?:" + _alt(data["ago_words"]) + r")\s+(?:(?P<n>" + N + r"|quelques|plusieurs)\s+|" + AN + r")(?P<u>" + U + r")" + HALF + E, flags)),
            ("season", re.compile(r"(?=" + S + r")(?:(?:" + "|".join(r"(?<=\b" + re.escape(w) + (")" if w.endswith(("'", "’")) else r"\s)") for w in data["season_lead"]) + r")"
                                  r"(?P<s>" + S + r")(?:\s+(?P<y>\d{4}))?(?:\s+(?P<rel>" + LAST + "|" + NEXT + r"))?" + E
                                  + "|" + B + r"(?P<s2>" + S + r")\s+(?P<y2>\d{4})" + E + ")", flags)),
            ("ref", re.compile(B + r"(?P<ref>" + _alt(data["reference_words"]) + r")" + E, flags)),
            ("vague", re.compile(B + r"(?P<q>" + _alt(data["vague_quantities"]) + r")\s+(?P<u>" + U + r")" + E, flags)),
            ("duration_noun", re.compile(B + r"(?P<dn>" + _alt([k for k, v in data["duration_nouns"].items() if v]) + r")" + E, flags)),
            ("clock", re.compile(B + r"(?:(?P<h>\d{1,2})\s*h\s*(?P<mi>\d{2})?" + E + r"|(?:(?<=à )|(?<=vers )|(?<=dès ))(?P<h2>\d{1,2})\s+heures(?:\s+(?P<mi2>\d{2}))?" + E + r")"
                                 r"(?:,?\s+(?P<r>" + R + r")" + E + r")?", flags)),
            ("noon", re.compile(r"(?:(?<=\bvers )|(?<=\bà )|(?<=\bdès ))(?P<nm>midi|minuit)" + E, flags)),
            ("set", re.compile(B + r"(?:" + _alt(data["every_words"]) + r")\s+(?P<x>" + "|".join(re.escape(w) + "s?" for w in self.weekdays) + r"|jours|jour|semaines|semaine|mois|ans|années|année|matins|soirs)" + E, flags)),
            ("duration", re.compile(B + r"(?:(?:" + _alt(data["approx_words"]) + r")\s+)?(?P<n>" + N + r")\s+(?P<u>" + U + r")" + HALF + E, flags)),
            ("year_noun", re.compile(B + r"l['’]année\s+(?P<y>(?:1[89]|20)\d{2})" + E, flags)),
            ("year", re.compile(r"(?=(?:1[89]|20)\d{2})(?:(?<=\ben )|(?<=\bdepuis )|(?<=\bdès )|(?<=\bjusqu'en )|(?<=\bjusqu’en )|(?<=\bavant )|(?<=\baprès )|(?<=\bde )|(?<=\bà )|(?<=\bl'année )|(?<=\bl’année ))"
                                r"(?P<y>(?:1[89]|20)\d{2})(?![\d,.]\d)" + E)),
            ("year_bare", re.compile(B + r"(?P<y>(?:19|20)\d{2})(?=\s*[,.;:)]|\s*$)", re.M)),
        ]

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_last_spans"] = None  # match objects do not pickle; a cache, not state
        return state

    # ---- helpers ---------------------------------------------------------------------
    def _compound_numbers(self, tens: dict[str, int]) -> None:
        """"vingt-cinq", "trente et un", "soixante-dix-huit", "quatre-vingt-dix" from the tens and
        the numbers 1-19 of the data file."""
        small = {w: v for w, v in self.numbers.items() if 1 <= v <= 19}
        tens = dict(tens)
        if "quatre" in self.numbers and "vingt" in tens:
            tens["quatre-vingt"] = 80
            self.numbers["quatre-vingts"] = 80
        for t, tv in tens.items():
            for w, v in small.items():
                if v >= 10 and tv not in (60, 80):
                    continue
                if v == 1 and tv != 80:
                    self.numbers[f"{t} et {w}"] = tv + 1
                    self.numbers[f"{t}-et-{w}"] = tv + 1
                elif not (v == 11 and tv == 60 and w != "onze"):
                    self.numbers[f"{t}-{w}"] = tv + v
                    if v == 11 and tv == 60:
                        self.numbers[f"{t} et {w}"] = tv + v

    @staticmethod
    def _is_age(text: str, s: int, e: int) -> bool:
        """"de 38 ans", "âgé de 54 ans", ", 53 ans," are ages, not durations."""
        before = text[max(0, s - 12):s].lower()
        after = text[e:e + 2]
        return bool(re.search(r"(?:\bde|\bd['’]|âgée?|agée?)\s*$", before)) or (before.rstrip().endswith(",") and after.startswith(","))

    def _num(self, s: str) -> float | None:
        s = s.lower()
        if s in self.numbers:
            return self.numbers[s]
        try:
            return float(s.replace(",", "."))
        except ValueError:
            return None

    @staticmethod
    def _dnum(d: str) -> int:
        return 1 if d.lower() in ("1er", "premier") else int(d)

    def _qty(self, g: dict[str, Any]) -> float | None:
        """The quantity of "trois", "2,5", "une dizaine de", plus "et demi"."""
        if g.get("an"):
            n: float | None = self.approx_nouns[g["an"].lower()]
        else:
            n = self._num(re.sub(r"\s+", " ", g["n"]))
        if n is not None and g.get("half"):
            n += 0.5
        return n

    @staticmethod
    def _year(y: str) -> int:
        v = int(y)
        return v if len(y) == 4 else (1900 + v if v >= 50 else 2000 + v)

    FUTURE_WINDOW = 160  # characters searched on each side of an expression for a future cue

    def _future(self, text: str, start: int) -> bool:
        """Does the sentence around ``start`` speak of the future (cue word or future tense)?
        Only a bounded window of the sentence is read, so tagging stays linear in text length."""
        lo = max(0, start - self.FUTURE_WINDOW)
        hi = min(len(text), start + self.FUTURE_WINDOW)
        a = max(text.rfind(".", lo, start), text.rfind("\n", lo, start), lo - 1) + 1
        ends = [i for i in (text.find(".", start, hi), text.find("\n", start, hi)) if i >= 0]
        window = text[a: min(ends) if ends else hi].lower()
        return bool(self._future_rx.search(window) or self._future_lead.search(text, max(0, start - 20), start))

    def _weekday(self, wd: int, dct: date, direction: int) -> date:
        """The weekday ``wd`` nearest the DCT: direction -1 past (today allowed), +1 future,
        -2 strictly before, +2 strictly after."""
        delta = (dct.weekday() - wd) % 7
        if direction == -1:
            return dct - timedelta(days=delta)
        if direction == -2:
            return dct - timedelta(days=delta or 7)
        ahead = (wd - dct.weekday()) % 7
        if direction == 2:
            ahead = ahead or 7
        return dct + timedelta(days=ahead)

    @staticmethod
    def _day(d: date, gran: str = "day") -> tuple[str, str, str, str]:
        return d.isoformat(), gran, d.isoformat(), d.isoformat()

    # ---- the tagger ------------------------------------------------------------------
    def tag(self, text: str, dct: date | None = None, anchor: Anchor | None = None) -> list[TimeExpression]:
        """The temporal expressions of ``text``. ``dct`` is the publication day; ``anchor`` the
        interval of days the article was written in (see ``temporal.anchor``). A day anchor is
        the same as ``dct``; a month, year or range anchor gives day-month dates their year and
        relative expressions an uncertain interval; an open range (no end) leaves them unresolved."""
        if anchor is not None:
            if anchor.end == anchor.start:
                dct, anchor = anchor.start, None
            else:
                dct = None
        out: list[TimeExpression] = []
        last_date: date | None = None
        for start, end, name, m in self._spans(text):
            if anchor is None:
                te = self._normalise(name, m, text, dct, last_date)
            else:
                te = self._normalise_anchored(name, m, text, anchor, last_date)
            if te is None:
                continue
            if (te.interval_start and te.interval_start == te.interval_end
                    and te.granularity in ("day", "part-of-day", "hour", "minute")):
                last_date = date.fromisoformat(te.interval_start)
            out.append(te)
        return out

    def _spans(self, text: str) -> list[tuple[int, int, str, re.Match[str]]]:
        """Matches of every rule, leftmost-longest, not overlapping (the last text's are kept:
        an article's anchor and its expressions read the same body)."""
        last = self._last_spans
        if last is not None and last[0] is text:
            return last[1]
        chosen = self._find_spans(text)
        self._last_spans = (text, chosen)
        return chosen

    def _find_spans(self, text: str) -> list[tuple[int, int, str, re.Match[str]]]:
        cands: list[tuple[int, int, str, re.Match[str]]] = []
        for name, rx in self.patterns:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    cands.append((m.start(), m.end(), name, m))
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        chosen: list[tuple[int, int, str, re.Match[str]]] = []
        taken_until = -1
        for c in cands:
            if c[0] >= taken_until:
                chosen.append(c)
                taken_until = c[1]
        return chosen

    def full_dates(self, text: str, anchor: Anchor | None = None) -> list[tuple[date, int, bool]]:
        """Absolute days the text states (day-month-year, or day-month given a year by the
        anchor), as (day, offset, future): ``future`` when the sentence speaks of the future or
        the date is marked "prochain"."""
        out: list[tuple[date, int, bool]] = []
        for _s, _e, name, m in self._spans(text):
            if name not in ("date_dmy", "date_num"):
                continue
            g = m.groupdict()
            if not g.get("y") and anchor is None:
                continue
            te = (self._normalise(name, m, text, None, None) if g.get("y")
                  else self._normalise_anchored(name, m, text, anchor, None))
            if te is None or te.uncertain or not te.interval_start or te.interval_start != te.interval_end:
                continue
            rel = (g.get("rel") or "").lower()
            future = rel in self.next_words or self._future(text, m.start())
            out.append((date.fromisoformat(te.interval_start), m.start(), future))
        return out

    def _period(self, what: str, step: int, dct: date | None, make: Any) -> TimeExpression:
        """The week, month, quarter or year ``step`` periods from the publication date."""
        if dct is None:
            return make("DATE", "XXXX", "unknown", False)
        if "semaine" in what or "week-end" in what:
            day = dct + timedelta(weeks=step)
            monday = day - timedelta(days=day.weekday())
            value = _iso_week(day) + ("-WE" if "week-end" in what else "")
            return make("DATE", value, "week", True, monday.isoformat(), (monday + timedelta(days=6)).isoformat())
        if "mois" in what:
            day = _shift_months(dct.replace(day=1), step)
            a, b = _month_bounds(day.year, day.month)
            return make("DATE", f"{day.year:04d}-{day.month:02d}", "month", True, a.isoformat(), b.isoformat())
        if "trimestre" in what:
            q = (dct.month - 1) // 3 + step
            y = dct.year + q // 4
            q = q % 4
            a = date(y, q * 3 + 1, 1)
            b = _month_bounds(y, q * 3 + 3)[1]
            return make("DATE", f"{y}-Q{q + 1}", "month", True, a.isoformat(), b.isoformat())
        y = dct.year + step
        return make("DATE", str(y), "year", True, f"{y}-01-01", f"{y}-12-31")

    # ---- coarse anchors ------------------------------------------------------------------
    @staticmethod
    def _gap(d: date, lo: date, hi: date | None) -> int:
        """Days between ``d`` and the interval [lo, hi] (0 inside)."""
        if d < lo:
            return (lo - d).days
        if hi is not None and d > hi:
            return (d - hi).days
        return 0

    def _year_for(self, mo: int, d: int, wd: int | None, rel: str, future: bool, anchor: Anchor) -> date | None:
        """The year of a day-month date written during ``anchor``: the candidate nearest the
        anchor (within about six months); "dernier"/"prochain" pick the side; a stated weekday
        picks the one candidate it agrees with."""
        lo, hi = anchor.start, anchor.end
        years = range(lo.year - 1, (hi or lo).year + 2)
        cands: list[date] = []
        for y in years:
            try:
                cands.append(date(y, mo, d))
            except ValueError:
                continue
        if not cands:
            return None
        if rel in self.last_words:
            cands = [c for c in cands if c <= (hi or date.max)] or cands
            if hi is not None:
                cands = [max(cands)]
        elif rel in self.next_words:
            cands = [c for c in cands if c >= lo] or cands
            cands = [min(cands)]
        if hi is None:
            # an open range: written on or after ``lo``; a date from about six months before on
            plausible = [c for c in cands if c >= lo - timedelta(days=183)]
            plausible.sort()
        else:
            plausible = sorted(cands, key=lambda c: (self._gap(c, lo, hi), c < lo if future else c > hi))
            near = [c for c in plausible if self._gap(c, lo, hi) <= 183]
            plausible = near or plausible[:1]
        if not plausible:
            return None
        if wd is not None:
            agree = [c for c in plausible if c.weekday() == wd]
            if len(agree) == 1:
                return agree[0]
            if len(agree) > 1:
                return agree[0]
        return plausible[0]

    def _normalise_anchored(self, name: str, m: re.Match[str], text: str, anchor: Anchor,
                            last_date: date | None) -> TimeExpression | None:
        """Normalise against a coarse anchor: absolute expressions as they are; day-month
        dates get a year; relative ones the union of their meaning over the anchor's days."""
        g = m.groupdict()
        if name == "date_dmy" and not g.get("y"):
            base = self._normalise(name, m, text, None, last_date)
            if base is None:
                return None
            d = self._dnum(g["d"])
            mo = self.months[g["m"].lower()]
            wd = self.weekdays[g["wd"].lower()] if g.get("wd") else None
            day = self._year_for(mo, d, wd, (g.get("rel") or "").lower(), self._future(text, m.start()), anchor)
            if day is None:
                return base
            return replace(base, value=day.isoformat(), anchored=True,
                           interval_start=day.isoformat(), interval_end=day.isoformat())
        if name == "wd_daynum":
            return self._wd_daynum(m, text, None, anchor)
        plain = self._normalise(name, m, text, None, last_date)
        if plain is None or plain.anchored or plain.interval_start is not None or plain.type in ("DURATION", "SET"):
            return plain
        if anchor.end is None:
            return plain  # written on or after a day: relative expressions cannot be placed
        first = self._normalise(name, m, text, anchor.start, last_date)
        last = self._normalise(name, m, text, anchor.end, last_date)
        if first is None or last is None or not first.interval_start or not last.interval_end:
            return plain
        if first.value == last.value:
            return first
        a, b = first.interval_start, last.interval_end
        if a > b:
            a, b = b, a
        if a[:7] == b[:7]:
            value = a[:7]
        elif a[:4] == b[:4]:
            value = a[:4]
        else:
            value = plain.value
        return replace(plain, value=value, anchored=True, interval_start=a, interval_end=b, uncertain=True)

    def _wd_daynum(self, m: re.Match[str], text: str, dct: date | None, anchor: Anchor | None
                   ) -> TimeExpression | None:
        """"jeudi 16": the 16th that is a Thursday, nearest the publication day or inside the
        anchor (the weekday checks, or chooses between, the months)."""
        g = m.groupdict()
        span, s, e = m.group(0), m.start(), m.end()
        d = self._dnum(g["d"])
        wd = self.weekdays[g["wd"].lower()]
        if d > 31:
            return None
        unresolved = TimeExpression(span, s, e, "DATE", f"XXXX-XX-{d:02d}", "day", False)
        if dct is not None:
            lo, hi = dct - timedelta(days=93), dct + timedelta(days=62)
        elif anchor is not None and anchor.end is not None:
            lo, hi = anchor.start - timedelta(days=31), anchor.end + timedelta(days=31)
        else:
            return unresolved
        cands: list[date] = []
        cur = date(lo.year, lo.month, 1)
        while cur <= hi:
            try:
                c = date(cur.year, cur.month, d)
                if lo <= c <= hi:
                    cands.append(c)
            except ValueError:
                pass
            cur = _shift_months(cur, 1)
        agree = [c for c in cands if c.weekday() == wd]
        if dct is not None:
            pool = agree or cands
            if not pool:
                return unresolved
            if self._future(text, s):
                after = [c for c in pool if c >= dct]
                pick = min(after) if after else max(pool)
            else:
                before = [c for c in pool if c <= dct]
                pick = max(before) if before else min(pool)
            return TimeExpression(span, s, e, "DATE", pick.isoformat(), "day", True, pick.isoformat(), pick.isoformat())
        assert anchor is not None and anchor.end is not None
        inside = [c for c in agree if anchor.start <= c <= anchor.end]
        pool = inside or [c for c in cands if anchor.start <= c <= anchor.end and not agree] or agree
        if not pool:
            return unresolved
        if len(pool) == 1:
            p = pool[0].isoformat()
            return TimeExpression(span, s, e, "DATE", p, "day", True, p, p)
        a, b = min(pool).isoformat(), max(pool).isoformat()
        value = a[:7] if a[:7] == b[:7] else (a[:4] if a[:4] == b[:4] else unresolved.value)
        return TimeExpression(span, s, e, "DATE", value, "day", True, a, b, uncertain=True)

    def _normalise(self, name: str, m: re.Match[str], text: str, dct: date | None,
                   last_date: date | None) -> TimeExpression | None:
        g = m.groupdict()
        span = m.group(0)
        s, e = m.start(), m.end()
        # trim leading prepositions/articles from the span (TIMEX3 convention varies; keep "le")
        lead = re.match(r"(?i)(du|au)\s+", span)
        if lead:
            s += lead.end()
            span = span[lead.end():]

        def make(typ: str, value: str, gran: str, anchored: bool, a: str | None = None, b: str | None = None
                 ) -> TimeExpression:
            return TimeExpression(span, s, e, typ, value, gran, anchored, a, b)

        if name == "day_alone":
            d = self._dnum(g["d"])
            base = last_date or dct
            if base is None:
                return make("DATE", f"XXXX-XX-{d:02d}", "day", False) if d <= 31 else None
            first = base.replace(day=1)
            if last_date is None and d > dct.day and not self._future(text, s):
                first = _shift_months(first, -1)
            try:
                day = first.replace(day=d)
            except ValueError:
                return None
            return make("DATE", day.isoformat(), "day", True, day.isoformat(), day.isoformat())

        if name == "decade":
            dec = g["dec"]
            century = dec[:2] if len(dec) == 4 else ("19" if int(dec) >= 30 else "20")
            y = int(century + dec[-2])
            return make("DATE", f"{century}{dec[-2]}", "decade", False, f"{y}0-01-01", f"{y}9-12-31")

        if name == "mod_year":
            y = int(g["y"])
            return make("DATE", str(y), "year", False, f"{y}-01-01", f"{y}-12-31")

        if name == "mod_period":
            what = g["what"].lower()
            rel = (g.get("rel") or "").lower()
            step = -1 if rel in self.last_words else (1 if rel in self.next_words else 0)
            return self._period("le " + what if what != "année" else "l'année", step, dct, make)

        if name in ("the_part", "same_part"):
            word = g["p"].lower()
            part = self.parts.get(word)
            base = last_date or dct
            if g.get("rel") and dct is not None:
                base = dct - timedelta(days=1)
            if base is None:
                return make("TIME" if part else "DATE", "XXXX-XX-XX" + (f"T{part}" if part else ""),
                            "part-of-day" if part else "day", False)
            if not part:
                return make("DATE", base.isoformat(), "day", True, base.isoformat(), base.isoformat())
            return make("TIME", f"{base.isoformat()}T{part}", "part-of-day", True, base.isoformat(), base.isoformat())

        if name in ("last_n", "approx"):
            unit = self.units[g["u"].lower()]
            if unit == "Y" and self._is_age(text, s, e):
                return None
            n = self._qty(g)
            qty = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
            return make("DURATION", ("PT" if unit in ("H", "MI", "S") else "P") + qty + ("M" if unit == "MI" else unit),
                        "duration", False)

        if name in ("date_dmy", "date_num", "day_coord"):
            d = self._dnum(g["d"])
            mo = int(g["m"]) if name == "date_num" else self.months[g["m"].lower()]
            if g.get("y"):
                y = self._year(g["y"])
                anchored = False
            elif dct is not None:
                y = dct.year
                rel = (g.get("rel") or "").lower()
                try:
                    cand = date(y, mo, d)
                except ValueError:
                    return None
                if rel in self.last_words and cand > dct:
                    y -= 1
                elif rel in self.next_words and cand < dct:
                    y += 1
                elif not rel and cand < dct and self._future(text, m.start()) and (dct - cand).days > 7:
                    y += 1
                elif not rel and (cand - dct).days > 183:
                    y -= 1
                elif not rel and (dct - cand).days > 183:
                    y += 1
                anchored = True
            else:
                try:
                    date(2000, mo, d)
                except ValueError:
                    return None
                return make("DATE", f"XXXX-{mo:02d}-{d:02d}", "day", False)
            try:
                day = date(y, mo, d)
            except ValueError:
                return None
            return make("DATE", *self._day(day)[:2], anchored, day.isoformat(), day.isoformat())

        if name == "wd_daynum":
            return self._wd_daynum(m, text, dct, None)

        if name in ("month_year", "month_rel", "month_bare", "mois_de"):
            mo = self.months[(g.get("m") or g.get("m2")).lower()]
            if g.get("y") or g.get("y2"):
                y = self._year(g.get("y") or g["y2"])
            elif dct is None:
                return make("DATE", f"XXXX-{mo:02d}", "month", False)
            else:
                rel = (g.get("rel") or "").lower()
                y = dct.year
                if rel in self.last_words:
                    y = dct.year if mo < dct.month else dct.year - 1
                elif rel in self.next_words:
                    y = dct.year if mo > dct.month else dct.year + 1
            a, b = _month_bounds(y, mo)
            return make("DATE", f"{y:04d}-{mo:02d}", "month", not g.get("y"), a.isoformat(), b.isoformat())

        if name == "rel_day_part":
            word = g["r"].lower()
            offset = self.rel_days.get(word, self.rel_days.get(word.replace("’", "'"), 0))
            part = self.parts.get((g.get("p") or "").lower())
            base = dct
            if word in ("le lendemain", "la veille") and last_date is not None:
                base = last_date
            if base is None:
                return make("TIME" if part else "DATE", ("XXXX-XX-XX" + (f"T{part}" if part else "")),
                            "part-of-day" if part else "day", False)
            day = base + timedelta(days=offset)
            if g.get("ch"):
                h, mi = int(g["ch"]), int(g.get("cm") or 0)
                return make("TIME", f"{day.isoformat()}T{h:02d}:{mi:02d}", "minute", True, day.isoformat(), day.isoformat())
            if part:
                return make("TIME", f"{day.isoformat()}T{part}", "part-of-day", True, day.isoformat(), day.isoformat())
            return make("DATE", day.isoformat(), "day", True, day.isoformat(), day.isoformat())

        if name == "this_part":
            part = self.parts[g["p"].lower()]
            if dct is None:
                return make("TIME", f"XXXX-XX-XXT{part}", "part-of-day", False)
            return make("TIME", f"{dct.isoformat()}T{part}", "part-of-day", True, dct.isoformat(), dct.isoformat())

        if name == "weekday":
            wd = self.weekdays[g["wd"].lower()]
            part = self.parts.get((g.get("p") or "").lower())
            rel = (g.get("rel") or "").lower()
            # a generic weekday ("le mardi" = every Tuesday) is not tagged here
            if g.get("le") and not rel and not g.get("this") and not g.get("ch"):
                return make("SET", f"XXXX-WXX-{wd + 1}", "set", False)
            if g.get("same") and last_date is not None and last_date.weekday() == wd:
                dct, rel = last_date, "même"  # "ce même lundi": the day being told
            if g.get("ch"):
                h, mi = int(g["ch"]), int(g.get("cm") or 0)
                if h > 24 or mi > 59:
                    return None
                if dct is None:
                    return make("TIME", f"XXXX-WXX-{wd + 1}T{h:02d}:{mi:02d}", "minute", False)
                day = dct if rel == "même" else self._weekday(wd, dct, 1 if self._future(text, s) else -1)
                return make("TIME", f"{day.isoformat()}T{h:02d}:{mi:02d}", "minute", True, day.isoformat(), day.isoformat())
            if dct is None:
                return make("TIME" if part else "DATE", f"XXXX-WXX-{wd + 1}" + (f"T{part}" if part else ""),
                            "part-of-day" if part else "day", False)
            if rel in self.last_words:
                direction = -2
            elif rel in self.next_words:
                direction = 2
            else:
                direction = 1 if self._future(text, s) else -1
            day = dct if rel == "même" else self._weekday(wd, dct, direction)
            if part:
                return make("TIME", f"{day.isoformat()}T{part}", "part-of-day", True, day.isoformat(), day.isoformat())
            return make("DATE", day.isoformat(), "day", True, day.isoformat(), day.isoformat())

        if name in ("rel_period", "this_period"):
            what = re.sub(r"\s+", " ", g["what"].lower()).replace("’", "'")
            rel = (g.get("rel") or "").lower()
            step = -1 if rel in self.last_words else (1 if rel in self.next_words else 0)
            for season_word, code in self.seasons.items():
                if what.endswith(season_word):
                    if dct is None:
                        return make("DATE", f"XXXX-{code}", "season", False)
                    return make("DATE", f"{dct.year}-{code}", "season", True)
            return self._period(what, step, dct, make)

        if name == "ago":
            n = self._qty(g)
            unit = self.units[g["u"].lower()]
            if dct is None or n is None:
                return make("DATE", "XXXX-XX-XX", "unknown", False)
            if unit == "Y" and not float(n).is_integer():
                unit, n = "M", n * 12  # "il y a deux ans et demi": thirty months ago
            n_int = int(n)
            if unit in ("S", "MI", "H"):
                # publication times are rarely known to the hour: the day is what we can say
                return make("DATE", dct.isoformat(), "day", True, dct.isoformat(), dct.isoformat())
            if unit == "D":
                day = dct - timedelta(days=n_int)
                return make("DATE", day.isoformat(), "day", True, day.isoformat(), day.isoformat())
            if unit == "W":
                day = dct - timedelta(weeks=n_int)
                monday = day - timedelta(days=day.weekday())
                return make("DATE", _iso_week(day), "week", True, monday.isoformat(), (monday + timedelta(days=6)).isoformat())
            if unit == "M":
                day = _shift_months(dct, -n_int)
                a, b = _month_bounds(day.year, day.month)
                return make("DATE", f"{day.year:04d}-{day.month:02d}", "month", True, a.isoformat(), b.isoformat())
            if unit == "Y":
                y = dct.year - n_int
                return make("DATE", str(y), "year", True, f"{y}-01-01", f"{y}-12-31")
            return make("DATE", "XXXX", "unknown", False)

        if name == "season":
            code = self.seasons[(g.get("s") or g.get("s2")).lower()]
            if g.get("y") or g.get("y2"):
                return make("DATE", f"{g.get('y') or g.get('y2')}-{code}", "season", False)
            if dct is None:
                return make("DATE", f"XXXX-{code}", "season", False)
            rel = (g.get("rel") or "").lower()
            y = dct.year - (1 if rel in self.last_words else 0) + (1 if rel in self.next_words else 0)
            return make("DATE", f"{y}-{code}", "season", True)

        if name == "clock":
            h = int(g.get("h") or g.get("h2"))
            mi = int(g.get("mi") or g.get("mi2") or 0)
            if h > 24 or mi > 59:
                return None
            base = last_date or dct
            if g.get("r"):
                word = g["r"].lower()
                offset = self.rel_days.get(word, self.rel_days.get(word.replace("’", "'"), 0))
                base = None if dct is None else dct + timedelta(days=offset)
            if base is None:
                return make("TIME", f"XXXX-XX-XXT{h:02d}:{mi:02d}", "minute", False)
            return make("TIME", f"{base.isoformat()}T{h:02d}:{mi:02d}", "minute", True, base.isoformat(), base.isoformat())

        if name == "noon":
            base = last_date or dct
            hh = "12:00" if g["nm"].lower() == "midi" else "24:00"
            if base is None:
                return make("TIME", f"XXXX-XX-XXT{hh}", "minute", False)
            return make("TIME", f"{base.isoformat()}T{hh}", "minute", True, base.isoformat(), base.isoformat())

        if name == "set":
            x = g["x"].lower()
            x = x[:-1] if x.endswith("s") and x[:-1] in self.weekdays else x
            if x in self.weekdays:
                return make("SET", f"XXXX-WXX-{self.weekdays[x] + 1}", "set", False)
            unit = {"jour": "D", "jours": "D", "semaine": "W", "semaines": "W", "mois": "M", "ans": "Y",
                    "année": "Y", "années": "Y", "matins": "D", "soirs": "D"}[x]
            return make("SET", f"P1{unit}", "set", False)

        if name == "ref":
            return make("DATE", self.refs[g["ref"].lower()], "unknown", False)
        if name == "vague":
            unit = self.units[g["u"].lower()]
            return make("DURATION", ("PT" if unit in ("H", "MI", "S") else "P") + "X" + ("M" if unit == "MI" else unit),
                        "duration", False)
        if name == "duration_noun":
            return make("DURATION", self.duration_nouns[g["dn"].lower()], "duration", False)
        if name == "duration":
            unit = self.units[g["u"].lower()]
            if unit == "Y" and self._is_age(text, s, e):
                return None
            n = self._qty(g)
            qty = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
            value = ("PT" if unit in ("H", "MI", "S") else "P") + qty + ("M" if unit == "MI" else unit)
            return make("DURATION", value, "duration", False)

        if name in ("year", "year_bare", "year_noun"):
            y = int(g["y"])
            return make("DATE", str(y), "year", False, f"{y}-01-01", f"{y}-12-31")
        return None
