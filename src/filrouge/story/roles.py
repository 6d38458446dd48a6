"""Who held which post on which day: role terms per person, then solved per post.

Evidence for a post (organisation + canonical role):

- start events (appointment, return, hire naming the post, or replacing its holder) and exit
  events (dismissal, resignation, departure, removal) of a person, with their dates;
- role statements in articles ("X, PDG de Y"): X held the post around the article's date
  (its publication day, or the month or range it is known to), "ancien/ex-" that X no longer
  did by then, "futur" that X did not yet; "depuis 2017" gives the term's start;
- combined titles ("PDG" is CEO and chair) are weak evidence for their second post: they
  count only where nothing stronger names a holder.

Each person's evidence gives terms (:class:`Interval`). Then each post held by one person at
a time (data: ``single_holder_roles``) is solved across people: a holder's open term ends
when the next holder's term starts (at its effective date, or by the day it is first
attested), and a return with no date of its own comes after the interim terms that
followed the person's exit. Uncertain bounds stay uncertain: ``start_after`` / ``start_by``
and ``end_by`` are kept apart from a stated ``start`` / ``end``. On a given day, the holders
are those whose term surely covers it; failing any, those whose term may cover it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import Event

EXITS = ("dismissal", "resignation", "removal", "departure")
STARTS = ("appointment", "return", "hire")
BOARD_ROLES = ("chair", "vice-chair", "lead director", "board member")
# A holder whose successor began on an unknown day is taken as still in post this many days
# after the last evidence of their term; later, the successor is.
HANDOVER_DAYS = 7


@lru_cache(maxsize=65536)
def parse_day(s: str | None) -> date | None:
    """The day of an ISO date string (its first ten characters), or None."""
    try:
        return date.fromisoformat(s[:10]) if s else None
    except ValueError:
        return None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def source_of(f: dict[str, Any]) -> dict[str, Any]:
    return {"doc": f["doc_id"], "sentence": f["sentence_idx"], "start": f["start"], "end": f["end"],
            "source": f.get("source"), "published": f.get("published"), "title": f.get("title"),
            "url": f.get("url"), "text": f.get("sentence_text"), "date_text": f.get("date_text"),
            "date_basis": f.get("date_basis")}


@dataclass
class Interval:
    org: str
    role: str
    name: str
    interim: bool = False
    start: str | None = None  # known start day
    start_by: str | None = None  # held by this day at the latest (start unknown)
    start_after: str | None = None  # started after this day (start unknown)
    end: str | None = None  # last day held, when known
    end_by: str | None = None  # ended by this day at the latest
    closed: bool = False  # an exit is known, maybe with no date
    start_granularity: str | None = None  # of a known start: day, month, year
    seen_last: str | None = None  # the last day a source says the post was still held
    seen_until: str | None = None  # the end of that source's date interval (an article of a month)
    weak: bool = False  # only known from a combined title ("PDG" for the chair)
    is_return: bool = False
    sources: list[dict[str, Any]] = field(default_factory=list)
    ended_by: str | None = None  # the successor whose start closed this term

    # ---- what the evidence supports -------------------------------------------------
    def first_sure(self) -> date | None:
        """From this day on the person surely held the post (while the term lasts)."""
        return parse_day(self.start) or parse_day(self.start_by)

    def last_sure(self) -> date | None:
        """Up to this day the person surely held it; None: unbounded (no exit known)."""
        if self.end:
            return parse_day(self.end)
        if self.closed or self.end_by:
            days = [d for d in (parse_day(self.seen_last), parse_day(self.start), parse_day(self.start_by)) if d]
            return max(days) if days else date.min
        return None

    def sure(self, at: date) -> bool:
        lo = self.first_sure()
        if lo is None or at < lo:
            return False
        hi = self.last_sure()
        return hi is None or at <= hi

    def holds(self, at: date) -> bool:
        """The evidence allows that the person held the post on that day."""
        s, sa = parse_day(self.start), parse_day(self.start_after)
        if s and at < s:
            return False
        if s is None and sa is not None and at <= sa:
            return False
        e, eb = parse_day(self.end), parse_day(self.end_by)
        if e and at > e:
            return False
        return not (e is None and eb and at > eb)

    def order(self) -> date:
        return (parse_day(self.start) or parse_day(self.start_by) or parse_day(self.seen_last) or parse_day(self.start_after)
                or parse_day(self.end) or parse_day(self.end_by) or date.max)

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, "role": self.role, "name": self.name, "interim": self.interim,
                "start": self.start, "start_by": self.start_by, "start_after": self.start_after,
                "end": self.end, "end_by": self.end_by, "open": not self.closed,
                "start_granularity": self.start_granularity,
                "seen_last": self.seen_last, "weak": self.weak, "sources": self.sources}

    def bar(self) -> dict[str, Any]:
        """As the role chart draws it: :meth:`to_json` with its sources counted
        (``sources_total``), not listed."""
        out = dict(self.to_json(), sources=[])
        if self.sources:
            out["sources_total"] = len(self.sources)
        return out


# ---- one person's terms -----------------------------------------------------------------
class TermBuilder:
    """Terms of one person in one post, from that person's events and role statements."""

    def __init__(self, collective: frozenset[str], replaced_role: Any, starts_of: Any, dual_labels: Any,
                 vacated: Any = None) -> None:
        self.collective = collective
        self.vacated = vacated or (lambda ev: None)  # interim start -> the exit whose post it fills
        self.dual_labels = dual_labels  # role surface -> the other posts a combined title names
        self.replaced_role = replaced_role  # Event -> role of the person it replaces
        self.starts_of = starts_of  # (org, role) -> start events

    def dual(self, ev: Event) -> tuple[str, ...]:
        return tuple({lab for f in ev.facts if f["role"] == ev.role and f.get("role_surface")
                      for lab in self.dual_labels(f["role_surface"])})

    def ends(self, ev: Event, role: str, started: set[str], dual: tuple[str, ...],
             alongside: Collection[str] = ()) -> bool:
        r = ev.role
        if r:
            return r == role or role in dual
        if alongside:
            # "X laisse sa place à Y" the day other sources say X resigned as CEO: that post
            return role in alongside
        if ev.type == "removal":
            return role in BOARD_ROLES
        if role in self.collective and role != "board member":
            return False
        if ev.type == "departure" and started:
            return role in started
        return True

    def terms(self, org: str, person: str, role: str, statements: list[dict[str, Any]],
              evs: list[Event]) -> list[Interval]:
        terms: list[Interval] = []
        cur: Interval | None = None
        started: set[str] = set()
        for ev in evs:
            srcs = [source_of(f) for f in ev.facts]
            dual = self.dual(ev)
            if ev.type in STARTS:
                r = ev.role or self.replaced_role(ev)
                if ev.role and role in ev.roles:
                    r = role  # a second post named beside the first
                if r is None and ev.type == "return" and cur is not None and cur.closed and not cur.weak:
                    # a return with no post named reopens the post the person had left, unless
                    # someone was appointed to it for good since ("X returns; Y chairs the board")
                    left = cur.end or cur.end_by or ""
                    if not any(o.person != person and not o.interim and (o.date or "") >= left
                               for o in self.starts_of(org, role)):
                        r = role
                if r != role and role not in dual:
                    continue
                interim = ev.interim
                if not interim and any(f["detail"].get("replaces") for f in ev.facts):
                    # "X remplace Y", where Y was the interim: X is not; where Y's successor was
                    interim = any(o.interim for o in self.starts_of(org, role) if o.person != person)
                started.add(role)
                if cur is not None and not cur.closed:
                    cur.sources += srcs
                    continue
                cur = Interval(org, role, person, interim, weak=r != role, is_return=ev.type == "return")
                if (eff := effective_day(ev)) is not None:
                    cur.start, cur.start_granularity = eff, "day"  # "prendra ses fonctions le 1er avril"
                elif ev.date and ev.date_basis in ("text", "context") and ev.granularity == "day":
                    cur.start, cur.start_granularity = ev.date, ev.granularity
                elif (ex := self.vacated(ev)) is not None and ex.date and ex.granularity == "day" \
                        and ex.date_basis in ("text", "context"):
                    cur.start, cur.start_granularity = ex.date, "day"  # the interim from the exit on
                    cur.start_by = ev.date_end if ev.date_basis in ("published", "inferred") else None
                elif ev.date and ev.date_basis in ("text", "context"):
                    # "nommé en 2020": some day of that year
                    cur.start_after = _iso((parse_day(ev.date) or date.min) - timedelta(days=1))
                    cur.start_by, cur.start_granularity = ev.date_end or ev.date, ev.granularity
                else:
                    cur.start_by = ev.date_end or ev.date
                    if terms:
                        cur.start_after = terms[-1].end or terms[-1].end_by or terms[-1].seen_last
                    # dated by the day it was reported, inside a period its sources state ("en
                    # 2020" and a report of 25 February 2020): not before that period
                    told = [parse_day(f["date"]) for f in ev.facts if f["date_basis"] in ("text", "context")
                            and f["date"] and f["date"] <= (cur.start_by or "") <= (f["date_end"] or f["date"])]
                    lo = max((d for d in told if d), default=None)
                    if lo and (cur.start_after is None or lo > (parse_day(cur.start_after) or lo)):
                        cur.start_after = _iso(lo - timedelta(days=1))
                cur.sources += srcs
                terms.append(cur)
            elif ev.type in EXITS and self.ends(ev, role, started, dual, _posts_alongside(ev, evs)):
                if cur is None:
                    # an exit naming no post ends each post the person is said to hold; one known
                    # only from a combined title ("PDG") stays weak evidence
                    cur = Interval(org, role, person, bool(statements and all(s["interim"] for s in statements)),
                                   weak=(bool(ev.role) and ev.role != role) or (not ev.role and bool(statements) and all(
                                       s["detail"].get("combined") for s in statements)))
                    terms.append(cur)
                if cur.closed:
                    continue
                cur.closed = True
                if (eff := effective_day(ev)) is not None:
                    cur.end = _iso((parse_day(eff) or date.min) - timedelta(days=1))  # until the successor starts
                elif ev.date and ev.date_basis in ("text", "context"):
                    cur.end = (ev.date_end or ev.date) if ev.granularity == "day" else None
                    if cur.end is None:
                        cur.end_by = ev.date_end
                else:
                    cur.end_by = ev.date_end or ev.date
                cur.sources += srcs
        current = [s for s in statements if not s["detail"].get("former") and not s["detail"].get("future")]
        if not terms and statements:
            iv = Interval(org, role, person, bool(current) and all(s["interim"] for s in current))
            iv.weak = bool(statements) and all(s["detail"].get("combined") for s in statements)
            terms = [iv]
        if not terms:
            return []
        self._attest(terms, statements)
        return terms

    @staticmethod
    def _attest(terms: list[Interval], statements: list[dict[str, Any]]) -> None:
        """Role statements bound the terms: a current one says the post was held by the
        article's date, a former one that it was no longer, "depuis" when it began."""
        for s in statements:
            lo, hi = parse_day(s["date"]), parse_day(s["date_end"]) or parse_day(s["date"])
            det = s["detail"]
            # the term this statement speaks of: the last one started by then
            term = terms[0]
            for t in terms:
                if hi and t.order() != date.max and t.order() <= hi:
                    term = t
            term.sources.append(source_of(s))
            if det.get("former"):
                if hi and not term.end and (term.end_by is None or hi < (parse_day(term.end_by) or hi)):
                    if not (term.start and parse_day(term.start) and hi < parse_day(term.start)):  # type: ignore[operator]
                        term.end_by, term.closed = _iso(hi), True
                continue
            if det.get("future"):
                if lo and not term.start and (term.start_after is None or lo > (parse_day(term.start_after) or lo)):
                    term.start_after = _iso(lo - timedelta(days=1))
                continue
            since = det.get("since")
            if since and not term.start and not (term.start_after and since <= term.start_after):
                if det.get("since_granularity") == "day":
                    term.start, term.start_granularity = since, "day"
                else:  # "depuis 2017": some day of that year, by its end at the latest
                    start = parse_day(since) or date.min
                    term.start_after = _iso(start - timedelta(days=1))
                    term.start_by = _iso(_period_end(start, det.get("since_granularity")))
                    term.start_granularity = det.get("since_granularity")
            if term.closed and term.end and hi and hi > (parse_day(term.end) or hi):
                continue  # a stale description after the exit
            if hi and not term.start and (term.start_by is None or hi < (parse_day(term.start_by) or hi)):
                term.start_by = _iso(hi)
            if term.closed and term.end_by and lo and lo > (parse_day(term.end_by) or lo):
                continue  # a stale description after the exit
            if lo and (term.seen_last is None or lo > (parse_day(term.seen_last) or lo)):
                if not (term.end and lo > (parse_day(term.end) or lo)):
                    term.seen_last, term.seen_until = _iso(lo), _iso(hi)
            if not term.interim and s["interim"]:
                term.interim = all(x["interim"] for x in statements if not x["detail"].get("former"))


def _posts_alongside(ev: Event, evs: list[Event]) -> set[str]:
    """The posts that other exits of the same person, dated within the dates of this one
    (which names none), name: one exit told with and without its post."""
    if ev.role or not ev.date:
        return set()
    lo, hi = parse_day(ev.date), parse_day(ev.date_end) or parse_day(ev.date)
    out = set()
    for o in evs:
        if o is ev or o.type not in EXITS or not o.role or not o.date:
            continue
        olo, ohi = parse_day(o.date), parse_day(o.date_end) or parse_day(o.date)
        if lo and hi and olo and ohi and olo <= hi and lo <= ohi:
            out.add(o.role)
    return out


# ---- one post, across people ------------------------------------------------------------
def solve_post(terms: list[Interval]) -> None:
    """One holder at a time: each open term ends where the next holder's term begins; an
    undated return follows the interim terms begun after the person's exit."""
    people = {t.name for t in terms}
    if len(people) < 2:
        return
    strong = [t for t in terms if not t.weak]
    # an undated return comes after the others' terms that began after the person's exit
    for t in strong:
        if t.is_return and not t.start:
            prev = [p for p in strong if p.name == t.name and p is not t and p.closed]
            exit_day = max((parse_day(p.end) or parse_day(p.end_by) or parse_day(p.seen_last) or date.min for p in prev), default=date.min)
            later = [o for o in strong if o.name != t.name and o.order() != date.max and o.order() >= exit_day]
            if later:
                after = max(o.order() for o in later)
                if not t.start_after or after > (parse_day(t.start_after) or after):
                    t.start_after = _iso(after)
    ordered = sorted(strong, key=lambda t: t.order())
    for t in ordered:
        if t.end:
            continue
        bound = parse_day(t.end_by)
        last = max((d for d in (parse_day(t.start), parse_day(t.start_by), parse_day(t.seen_last), parse_day(t.start_after)) if d), default=None)
        nxt = None
        for u in ordered:
            if u.name == t.name or u is t:
                continue
            if _co_holders(t, u):
                continue
            u_first = parse_day(u.start) or parse_day(u.start_by) or parse_day(u.seen_last)
            if u_first is None and u.is_return and u.start_after:
                u_first = (parse_day(u.start_after) or date.min) + timedelta(days=1)
            if u_first is None:
                continue
            if last is None or u_first > last:
                if nxt is None or u_first < nxt[0]:
                    nxt = (u_first, u)
        if nxt is None:
            continue
        day, u = nxt
        if bound and day > bound:
            continue  # the term had ended already, by a stated exit
        t.closed, t.ended_by = True, u.name
        if u.start and (parse_day(u.start) or day) > (last or date.min):
            t.end = _iso(day - timedelta(days=1))
        elif not t.end_by or day < (parse_day(t.end_by) or day):
            t.end_by = _iso(day)
        if not u.start and (last or parse_day(t.end)):
            bound = parse_day(t.end) or last
            if bound and (not u.start_after or bound > (parse_day(u.start_after) or bound)):
                u.start_after = _iso(bound)


def _period_end(d: date, granularity: str | None) -> date:
    if granularity == "year":
        return date(d.year, 12, 31)
    if granularity == "month":
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    return d


def _co_holders(a: Interval, b: Interval) -> bool:
    """Two interim holders appointed the same day, or co-holders the text names as such."""
    return bool(a.interim and b.interim and a.start and a.start == b.start)


def _end_exclusive(terms: list[Interval], exclusive: tuple[tuple[str, ...], ...]) -> None:
    """One person's open term in a post ends when they start a post it excludes (vice-chair ->
    chair): the day before the new term's known start."""
    for pair in exclusive:
        for t in terms:
            if t.role not in pair or t.closed or t.end:
                continue
            began = parse_day(t.start) or parse_day(t.start_by)
            later = [u for u in terms if u.role in pair and u.role != t.role and u.start
                     and (began is None or (parse_day(u.start) or date.min) > began)]
            if later:
                first = min(later, key=lambda u: u.start or "")
                t.end = _iso((parse_day(first.start) or date.min) - timedelta(days=1))
                t.closed = True


def effective_day(ev: Event) -> str | None:
    """The day a start or a handover takes effect, when a source states it apart from the news."""
    days = sorted(f["detail"]["effective"] for f in ev.facts
                  if f["detail"].get("effective") and f["detail"].get("effective_granularity") == "day")
    return days[0] if days else None


def holders(terms: list[Interval], at: date, single: bool) -> list[Interval]:
    """The holders the evidence supports on a day: for a single-holder post, those surely
    in post (a title naming the post alone before a combined one), else those possibly."""
    possible = [t for t in terms if t.holds(at)]
    if not single:
        return possible
    for tier in ([t for t in possible if t.sure(at) and not t.weak], [t for t in possible if t.sure(at)],
                 [t for t in possible if not t.weak], possible):
        if tier:
            return _nearest(_handover(tier, at), at)
    return []


def _nearest(tier: list[Interval], at: date) -> list[Interval]:
    """Several holders possible on a day and none sure: the one whose attested days (from a
    known start or first report to the last report) are nearest to it, when one clearly is."""
    if len(tier) < 2:
        return tier

    def gap(t: Interval) -> int | None:
        days = [d for d in (parse_day(t.start), parse_day(t.start_by), parse_day(t.seen_last), parse_day(t.seen_until)) if d]
        if not days:
            return None
        lo, hi = min(days), max(days)
        return 0 if lo <= at <= hi else min(abs((at - lo).days), abs((at - hi).days))

    gaps = [(gap(t), t) for t in tier]
    known = sorted(g for g, _t in gaps if g is not None)
    if len(known) < len(tier):
        return tier
    best = [t for g, t in gaps if g == known[0]]
    if len(best) > 1:  # a tie: the holder already in post by then stays
        began = [t for t in best if (t.first_sure() or date.max) <= at]
        best = began if len(began) == 1 else best
    return best


def _handover(tier: list[Interval], at: date) -> list[Interval]:
    """A term that ended on an unknown day, when its successor began: shortly after the
    last evidence of the old holder the post is still theirs, later it is the successor's."""
    if len(tier) < 2:
        return tier
    out = list(tier)
    for t in tier:
        succ = [u for u in tier if u.name == t.ended_by and not u.start and not u.start_by]
        if not succ or t.end:
            continue
        last = max((d for d in (parse_day(t.start), parse_day(t.start_by), parse_day(t.seen_last)) if d), default=None)
        if last is None:
            continue
        if (at - last).days <= HANDOVER_DAYS:
            out = [x for x in out if x not in succ]
        else:
            out = [x for x in out if x is not t]
    return out or tier


def role_terms(per: dict[tuple[str, str], list[dict[str, Any]]], event_sents: set[tuple[Any, ...]],
               events_by_person: dict[tuple[str, str], list[Event]], builder: TermBuilder,
               single: frozenset[str], exclusive: tuple[tuple[str, ...], ...] = ()) -> list[Interval]:
    out: list[Interval] = []
    for (org, person), fs in per.items():
        mine: list[Interval] = []
        roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in fs:
            if f["type"] == "role" and f["role"]:
                if (f["doc_id"], f["sentence_idx"], person) in event_sents:
                    f = dict(f, date=None, date_end=None)  # the role before the event told
                roles[f["role"]].append(f)
        evs = sorted(events_by_person.get((org, person), []), key=lambda e: (e.date is None, e.date or ""))
        for ev in evs:
            if ev.type in STARTS + EXITS:
                role = ev.role or (builder.replaced_role(ev) if ev.type in STARTS else None)
                for r in ((role,) + ev.roles[1:] + builder.dual(ev)) if role else ():
                    roles.setdefault(r, [])
        for role, statements in roles.items():
            mine.extend(builder.terms(org, person, role, statements, evs))
        _end_exclusive(mine, exclusive)
        out.extend(mine)
    posts: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for iv in out:
        posts[(iv.org, iv.role)].append(iv)
    for (_org, role), terms in posts.items():
        if role in single:
            solve_post(terms)
    out.sort(key=lambda i: (i.org, i.role, i.order(), i.name))
    return out
