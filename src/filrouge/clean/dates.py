"""Publication dates stated by a page: on a dateline, in a URL, or in a manifest value.

Values are ISO 8601 strings at the granularity stated: "2023-11-20T09:57:00",
"2023-11-20", "2023-11" or "2023". Nothing is guessed: an unparsable value is None.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from ..lang import Furniture

_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*(?:h|:)\s*(\d{2})(?!\d)", re.I)
_URL_PATTERNS = (
    re.compile(r"/((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?:/|-|_|\.|$)"),
    re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/"),
)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return 1900 <= y <= 2100


def normalise_iso(value: str | None) -> str | None:
    """Validate an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD, or a datetime); None if invalid."""
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    if re.fullmatch(r"\d{4}", v):
        return v if 1900 <= int(v) <= 2100 else None
    if re.fullmatch(r"\d{4}-\d{2}", v):
        return v if 1 <= int(v[5:]) <= 12 and 1900 <= int(v[:4]) <= 2100 else None
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not 1900 <= dt.year <= 2100:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return v
    return dt.isoformat()


def date_from_url(url: str | None) -> str | None:
    """A date written in a URL path (/2021-03-01/, /20210315/, /2019/01/24/, /2019/01/)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    m = _URL_PATTERNS[0].search(path)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if _valid(y, mo, d):
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = _URL_PATTERNS[1].search(path)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return None


_URL_DAY = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-](0[1-9]|1[0-2])[/_-](0[1-9]|[12]\d|3[01])(?!\d)"),
    # /20210315/, -20210315-, ?utm_content=20300412, _AB-203001150930 (a day then a time)
    re.compile(r"(?<![\dA-Za-z])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:\d{4})?(?!\d)"),
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/")
_URL_EPOCH = re.compile(r"(?<![\dA-Za-z])(1[0-9]{9})(?!\d)")


def url_dates(url: str) -> tuple[list[date], list[tuple[int, int]]]:
    """Days and months written in a URL (path and query, not the host)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    days: list[date] = []
    for rx in _URL_DAY:
        for m in rx.finditer(path):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if _valid(y, mo, d) and date(y, mo, d) not in days:
                days.append(date(y, mo, d))
    months = [(int(m.group(1)), int(m.group(2))) for m in _URL_MONTH.finditer(path)]
    return days, months


def _epoch_days(url: str) -> list[date]:
    """Days of ten-digit Unix timestamps in a URL's path (``-1534489717``), UTC."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    return [datetime.fromtimestamp(int(m.group(1)), timezone.utc).date() for m in _URL_EPOCH.finditer(path)]


def _period(value: str) -> tuple[date, date] | None:
    """The days of a month-only ("2030-05") or year-only ("2030") value; None for a day."""
    if re.fullmatch(r"\d{4}", value):
        return date(int(value), 1, 1), date(int(value), 12, 31)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        y, m = int(value[:4]), int(value[5:])
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return date(y, m, 1), date.fromordinal(nxt.toordinal() - 1)
    return None


def refine_published(given: str, found: str | None, url: str | None) -> tuple[str, str] | None:
    """A day inside a month- or year-only ``given`` publication date, from the page's own
    dateline (``found``, basis "text") or its address (basis "url"); None when the given
    value is already a day, or nothing inside its period names one.

    A timestamp in the address counts only inside the given period (it is a strong check: a
    ten-digit number that falls in the stated month is very unlikely to be anything else)."""
    period = _period(given)
    if period is None:
        return None
    lo, hi = period
    if found and re.match(r"\d{4}-\d{2}-\d{2}", found) and lo <= date.fromisoformat(found[:10]) <= hi:
        return found, "text"
    if url:
        days, _months = url_dates(url)
        inside = {d for d in days + _epoch_days(url) if lo <= d <= hi}
        if len(inside) == 1:
            return inside.pop().isoformat(), "url"
    return None


class DatelineParser:
    """Recognises a line that states a date and little else ("Le 20 novembre 2023 à 09h57",
    "2023-11-22 20:06:00", "Publié le 03/05/2021"). Month names come from the language files."""

    def __init__(self, furniture: Furniture) -> None:
        months = sorted(furniture.months, key=len, reverse=True)
        self._textual = re.compile(
            r"(?<!\w)(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+(" + "|".join(map(re.escape, months)) + r")\.?,?\s+(\d{4})(?!\d)",
            re.I,
        )
        self._textual_en = re.compile(
            r"(?<!\w)(" + "|".join(map(re.escape, months)) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)",
            re.I,
        )
        self._months = furniture.months
        words: set[str] = set()
        for lang in furniture.languages:
            words.update(lang.words("dateline_words"))
            words.update(lang.weekdays)
        self._filler = words

    def find(self, text: str) -> tuple[str, tuple[int, int]] | None:
        """The first date in ``text`` as ISO, with its span; None when there is none."""
        found: list[tuple[int, int, str]] = []
        for m in _ISO.finditer(text):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if _valid(y, mo, d):
                iso = f"{y:04d}-{mo:02d}-{d:02d}"
                if m.group(4):
                    iso += f"T{int(m.group(4)):02d}:{m.group(5)}:{m.group(6) or '00'}"
                found.append((m.start(), m.end(), iso))
        for m in self._textual.finditer(text):
            d, mo, y = int(m.group(1)), self._months[m.group(2).lower()], int(m.group(3))
            if _valid(y, mo, d):
                found.append((m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}"))
        for m in self._textual_en.finditer(text):
            mo, d, y = self._months[m.group(1).lower()], int(m.group(2)), int(m.group(3))
            if _valid(y, mo, d):
                found.append((m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}"))
        for m in _DMY.finditer(text):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if _valid(y, mo, d):
                found.append((m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}"))
        if not found:
            return None
        start, end, iso = min(found)
        if "T" not in iso:
            t = _TIME.search(text, end)
            if t and t.start() - end <= 6 and int(t.group(1)) < 24 and int(t.group(2)) < 60:
                iso += f"T{int(t.group(1)):02d}:{t.group(2)}:00"
                end = t.end()
        return iso, (start, end)

    def dateline(self, line: str) -> str | None:
        """The date of ``line`` when the line is a dateline (a date and filler words only)."""
        hit = self.find(line)
        if hit is None:
            return None
        iso, (start, end) = hit
        # page furniture after a separator: "12 mars 2030, 09:15 • 3 vues", "14/05/2030 - #Tag, #Tag"
        tail = line[end:]
        cut = re.search(r"\s(?:[•|·]|[-–—](?=\s*#))", tail)
        if cut:
            extra = re.sub(r"#[\w-]+|[,;•|·–—-]", " ", tail[cut.end():]).split()
            if len(extra) <= 2:
                tail = tail[:cut.start()]
        rest = (line[:start] + " " + tail).lower()
        rest = _TIME.sub(" ", rest)
        leftover = [w for w in re.findall(r"[\w'’]+|[|·–-]", rest) if w not in self._filler]
        return iso if len(leftover) <= 1 else None
