"""The story across sources: merged events, role intervals, conflicts and updates.

Built at query time from the stored facts, so that an alias file or a newly ingested
article changes the answer at once. Rules (all general):

- Witnesses: an article and its copies (linked as duplicates at ingest) are one witness;
  support counts are numbers of independent witnesses.
- Events: facts of one type about the same person and organisation are one event when
  their stated days are within a week of each other, or when they carry no date of their
  own (a date read from the publication day only supports, it never splits). The event's
  date is the stated day with most witnesses (earliest on a tie); other stated days are a
  conflict. Hypothetical and negated facts never become events.
- Role intervals: per organisation, role and person, from appointments, returns, exits and
  role statements. Only stated or reported events move an interval; a date known only from
  the publication day bounds it ("by" that day) without fixing it.
- Numbers: a count that only grows (signatures) and differs between sources is an update;
  exact head-counts, stakes, amounts or ages that disagree are a conflict, unless the
  sources are more than a month apart (then an update). Bounds ("plus de 500") agree with
  any larger value.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..extract.lexicon import Lexicon, load_lexicon
from .entities import Resolver
from .roles import EXITS, STARTS, Interval, TermBuilder, holders, parse_day, role_terms, source_of

PERSON_EVENTS = ("appointment", "dismissal", "resignation", "removal", "hire", "departure", "return", "succession")


def _moves_term(f: dict[str, Any]) -> bool:
    """A start or exit that moves a role term: told as done, or planned with a stated date
    ("prendra ses fonctions le 1er juin")."""
    return f["modality"] in ("stated", "reported") or (f["modality"] == "plan" and (
        f["date_basis"] == "text" or bool(f["detail"].get("effective"))
        # an acting arrangement announced with the news ("X, faisant fonction de DG") starts with it
        or (f["date_basis"] == "context" and bool(f["interim"]))))


def _textual(facts: list[dict[str, Any]]) -> bool:
    return any(f["date_basis"] == "text" for f in facts)


@dataclass
class Event:
    type: str
    person: str | None
    org: str | None
    facts: list[dict[str, Any]] = field(default_factory=list)
    date: str | None = None
    date_end: str | None = None
    granularity: str | None = None
    date_basis: str | None = None
    alternatives: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # other words sources use for this event ("resignation" for a dismissal), with how many
    told_as: dict[str, int] = field(default_factory=dict)

    @property
    def speaker(self) -> str | None:
        """Who said it, for a quote."""
        return self.facts[0]["detail"].get("speaker") if self.type == "quote" and self.facts else None

    @property
    def witnesses(self) -> set[str]:
        return {f["duplicate_of"] or f["doc_id"] for f in self.facts}

    @property
    def role(self) -> str | None:
        """The role most sources give."""
        roles = Counter(f["role"] for f in self.facts if f["role"])
        return roles.most_common(1)[0][0] if roles else None

    @property
    def roles(self) -> tuple[str, ...]:
        """The role, then posts named beside it in the same sentence ("nommé administrateur
        référent et vice-président")."""
        main = self.role
        if main is None:
            return ()
        at = {(f["doc_id"], f["sentence_idx"]) for f in self.facts if f["role"] == main}
        more = sorted({f["role"] for f in self.facts if f["role"] and f["role"] != main
                       and (f["doc_id"], f["sentence_idx"]) in at})
        return (main, *more)

    @property
    def interim(self) -> bool:
        return any(f["interim"] for f in self.facts)

    def stated_days(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in self.facts:
            if f["date"] and f["date_basis"] in ("text", "context"):
                out[f["date"]].append(f)
        return out

    def to_json(self) -> dict[str, Any]:
        mods = Counter(f["modality"] for f in self.facts)
        modality = next((m for m in ("stated", "reported", "plan") if mods.get(m)), "stated")
        extra: dict[str, Any] = {}
        for f in self.facts:
            for k, v in f["detail"].items():
                if k != "trigger" and v is not None:
                    extra.setdefault(k, v)
        return {
            "date": self.date, "date_end": self.date_end, "granularity": self.granularity,
            "date_basis": self.date_basis, "estimated": self.date_basis in ("published", "inferred"),
            "type": self.type, "person": self.person, "org": self.org,
            "role": self.role, "interim": self.interim, "modality": modality,
            "support": len(self.witnesses),
            "sources": [source_of(f) for f in self.facts],
            "conflicting_dates": {d: [source_of(f) for f in fs] for d, fs in self.alternatives.items()},
            **({"told_as": dict(self.told_as)} if self.told_as else {}),
            **{k: v for k, v in extra.items() if k not in ("replaces", "replaced_by") or v},
        }


def _narrow_to_report_day(ev: Event) -> None:
    """An event the texts date only by a month or a year, reported as news by an article of a
    known day inside that period ("X laisse sa place à Y" in a page of 14 March, "en février"
    elsewhere): dated by the earliest such report, marked as estimated from the publication."""
    lo, hi = ev.date or "", ev.date_end or ev.date or ""
    reports = sorted(f["date"] for f in ev.facts if f["date_basis"] == "published" and f["granularity"] == "day"
                     and f["date"] and lo <= f["date"] <= hi)
    if reports:
        ev.date = ev.date_end = reports[0]
        ev.granularity, ev.date_basis = "day", "published"


def _period(day: str, granularity: str | None) -> str:
    """A date as precise as it is known: "2016", "2017-01", "2017-01-15"."""
    return day[:4] if granularity == "year" else day[:7] if granularity == "month" else day


def _planned(ev: Event) -> bool:
    """Every source tells it as a plan (future): a day it will take effect, not the news."""
    return all(f["modality"] == "plan" for f in ev.facts)


def _handover_days(events: list[Event]) -> None:
    """"Y remplacera X": X's exit undated or dated vaguely by its sources is the day Y's start,
    dated by another source, takes place (the handover), marked as read from context."""
    starts = {(e.person, e.org): e for e in events if e.type in ("appointment", "return") and e.granularity == "day"
              and e.date_basis in ("text", "context")}
    for ev in events:
        if ev.type not in EXITS or (ev.granularity == "day" and ev.date_basis in ("text", "context")):
            continue
        heirs = {f["detail"].get("replaced_by") for f in ev.facts} - {None}
        found = [starts[(h, ev.org)] for h in heirs if (h, ev.org) in starts]
        if len(found) == 1 and (ev.date is None or (ev.date <= (found[0].date or "") <= (ev.date_end or ev.date or ""))):
            ev.date = ev.date_end = found[0].date
            ev.granularity, ev.date_basis = "day", "context"


def _share_exit_days(events: list[Event]) -> None:
    """One exit told as a dismissal by some sources and a departure or resignation by others: an
    exit dated only by a month or a year takes the day another exit of the same person from the
    same organisation has inside that period (the best witness of one exit); two stated days
    less than a week apart for such exits are one exit dated differently (a conflict)."""
    by_who: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        if e.type in EXITS and e.person and e.org and e.date:
            by_who[(e.person, e.org)].append(e)
    for exits in by_who.values():
        _compare_exits(exits)


def _compare_exits(exits: list[Event]) -> None:
    """The exits of one person from one organisation (see ``_share_exit_days``)."""
    subsumed: list[tuple[Event, Event]] = []
    for ev in exits:
        if ev.granularity != "day" or ev.date_basis != "text":
            continue
        day = parse_day(ev.date) or date.min
        for o in exits:
            if o is ev or o.person != ev.person or o.org != ev.org or o.date_basis != "text" or o.date == ev.date \
                    or o.granularity not in ("day", "month") or (o.granularity == "day" and (o.type, o.date) > (ev.type, ev.date or "")):
                continue
            lo, hi = parse_day(o.date) or date.min, parse_day(o.date_end) or parse_day(o.date) or date.min
            if lo <= day <= hi:
                continue  # "en décembre" and "le 1er décembre" agree
            if _planned(o) != _planned(ev):
                continue  # the news and the day it takes effect ("quittera le groupe le 1er juin")
            # a day, or a month, less than a week from the day: the same exit dated differently
            gap = min(abs((lo - day).days), abs((hi - day).days))
            if gap <= 7 and o.date not in ev.alternatives:
                ev.alternatives[o.date if o.granularity == "day" else o.date[:7]] = [
                    f for f in o.facts if f["date"] == o.date and f["date_basis"] == "text"]
                if o.granularity != "day":
                    subsumed.append((o, ev))
    for o, ev in subsumed:
        # the same exit, dated by a month "fin novembre" beside a day: the day dates it (the
        # month stays as a conflicting date of that exit) and the role ends once
        o.date = o.date_end = ev.date
        o.granularity, o.date_basis = "day", "context"
    for ev in exits:
        if ev.granularity == "day":
            continue
        lo, hi = ev.date or "", ev.date_end or ev.date or ""
        days = sorted((o for o in exits if o is not ev and o.person == ev.person and o.org == ev.org
                       and o.granularity == "day" and lo <= (o.date or "") <= hi),
                      key=lambda o: (o.date_basis not in ("text", "context"), -len(o.witnesses), o.date))
        if days:
            best = days[0]
            ev.date = ev.date_end = best.date
            ev.granularity = "day"
            ev.date_basis = "context" if best.date_basis in ("text", "context") else best.date_basis


def _fold_exit_mentions(events: list[Event]) -> list[Event]:
    """An exit that no text dates ("le départ de X", "la démission de X" dated only by its
    article's publication, or not at all) is the exit of the same person from the same
    organisation that sources date, the latest one before that article, when no start of that
    person there lies between (a return makes a later exit possible); an undated one only when
    the story knows one exit. The mention joins that exit as a source (its wording kept in
    ``told_as``) instead of making a second exit on the day of publication."""
    starts: dict[tuple[str, str], list[str]] = defaultdict(list)
    dated: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        if not (e.person and e.org and e.date):
            continue
        if e.type in STARTS and e.date_basis in ("text", "context"):
            starts[(e.person, e.org)].append(e.date)
        if e.type in EXITS and e.date_basis in ("text", "context"):
            dated[(e.person, e.org)].append(e)
    kept: list[Event] = []
    for ev in events:
        key = (ev.person or "", ev.org or "")
        if ev.type not in EXITS or not dated.get(key) or (ev.date and ev.date_basis in ("text", "context")):
            kept.append(ev)
            continue
        last = ev.date_end or ev.date
        cands = [o for o in dated[key] if _planned(o) == _planned(ev) and (last is None or (o.date or "") <= last)]
        if last is None and len(dated[key]) != 1:
            cands = []
        target = max(cands, key=lambda o: o.date or "", default=None)
        if target is None or any((target.date or "") < d <= (last or "9999") for d in starts.get(key, ())):
            kept.append(ev)
            continue
        target.facts.extend(ev.facts)
        if ev.type != target.type:
            target.told_as[ev.type] = target.told_as.get(ev.type, 0) + len(ev.witnesses)
    return kept


def _place_yearless(facts: list[dict[str, Any]], reach: int = 21) -> None:
    """A day told without a year ("jeudi 22 août") in an article of unknown date takes the year
    in which other sources date, by a day or a month, the same kind of event of the same person
    at the same organisation within ``reach`` days of it (the stated weekday must agree); one such year only, else it
    stays undated. The fact keeps ``year_from: other sources``."""
    dated: dict[tuple[str, str, str], list[tuple[date, date]]] = defaultdict(list)
    for f in facts:
        lo = parse_day(f["date"]) if f["person"] and f["org"] and f["granularity"] in ("day", "month") else None
        if lo is not None and f["type"] in PERSON_EVENTS and f["modality"] != "hypothetical" and not f["negated"]:
            kind = "exit" if f["type"] in EXITS else f["type"]
            dated[(kind, f["person"], f["org"])].append((lo, parse_day(f["date_end"]) or lo))
    for f in facts:
        md = f["detail"].get("yearless")
        if not md or f["date"] or not f["person"] or not f["org"] or f["modality"] not in ("stated", "reported"):
            continue  # (a plan, "succédera le 18 mars", may be for any year)
        month, day = (int(x) for x in md.split("-"))
        wd = f["detail"].get("weekday")
        years = set()
        for lo, hi in dated.get(("exit" if f["type"] in EXITS else f["type"], f["person"], f["org"]), ()):
            for y in range(lo.year - 1, hi.year + 2):
                try:
                    d = date(y, month, day)
                except ValueError:
                    continue
                if (wd is None or d.weekday() == wd) and lo - timedelta(days=reach) <= d <= hi + timedelta(days=reach):
                    years.add(y)
        if len(years) == 1:
            d = date(years.pop(), month, day).isoformat()
            f["date"] = f["date_end"] = d
            f["granularity"], f["date_basis"] = "day", "text"
            f["detail"] = dict(f["detail"], year_from="other sources")


def entity_listing(resolver: Any, terms: Iterable[tuple[str, str, str, bool]]) -> list[dict[str, Any]]:
    """People and organisations with their aliases, and the roles their terms (name, role,
    organisation, interim) give."""
    roles: dict[str, set[str]] = defaultdict(set)
    for name, role, org, interim in terms:
        roles[name].add(f"{role} ({org}{', interim' if interim else ''})")
    out = []
    for rec in resolver.listing():
        j = rec.to_json()
        j["roles"] = sorted(roles.get(rec.name, ()))
        out.append(j)
    return out


class Story:
    def __init__(self, facts: list[dict[str, Any]], resolver: Resolver, lex: Lexicon | None = None) -> None:
        self.lex = lex or load_lexicon("fr")
        self.resolver = resolver
        self.collective = self.lex.collective_roles
        self.facts = []
        for f in facts:
            g = dict(f)
            g["person"] = resolver.person(f["person"]) if f["person"] else None
            g["org"] = resolver.org(f["org"]) if f["org"] else None
            g["unit"] = resolver.unit(f["org"]) if f["org"] else None
            if f["type"] == "quote":
                g["detail"] = dict(f["detail"], speaker=g["person"])
            for k in ("holder", "investor"):
                if f["detail"].get(k):
                    g["detail"] = dict(g["detail"], **{k: resolver.org(f["detail"][k])})
            for k in ("replaces", "replaced_by"):
                if f["detail"].get(k):
                    g["detail"] = dict(g["detail"], **{k: resolver.person(f["detail"][k])})
            self.facts.append(g)
        _place_yearless(self.facts)
        self.events = self._events()
        self.intervals = self._intervals()

    # ---- events --------------------------------------------------------------------
    def _events(self) -> list[Event]:
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        # "écarté" with no post named, of someone another source says was dismissed: the dismissal
        dismissed = {(f["person"], f["org"]) for f in self.facts if f["type"] == "dismissal"}
        for f in self.facts:
            if f["type"] in ("role", "age", "tenure") or f["negated"] or f["modality"] == "hypothetical":
                continue
            if f["type"] == "removal" and not f["role"] and (f["person"], f["org"]) in dismissed:
                key = ("dismissal", f["person"], f["org"])
            elif f["type"] in PERSON_EVENTS or f["type"] in ("founding", "acquisition"):
                key = (f["type"], f["person"], f["org"])
            elif f["type"] == "quote":
                key = ("quote", f["person"], " ".join(f["detail"].get("quote", "").lower().split())[:80])
            else:
                key = (f["type"], f["org"], f["detail"].get("holder") or f["detail"].get("investor"),
                       f["detail"].get("value"))
            groups[key].append(f)
        events: list[Event] = []
        for key, fs in groups.items():
            etype = key[0]
            # a quote happens to nobody: its speaker is ``speaker``, not the event's person
            person = key[1] if etype in PERSON_EVENTS or etype in ("founding", "acquisition") else None
            org = fs[0]["org"]
            # split on stated days more than a week apart
            # (a coarse date that contains or touches a day is the same event: "fin novembre", "le 1er décembre")
            spans = sorted({(f["date"], f["date_end"] or f["date"]) for f in fs
                            if f["date"] and f["date_basis"] in ("text", "context")})
            clusters: list[list[str]] = []
            reach = date.min
            for d, e in spans:
                if clusters and (parse_day(d) or date.min) <= reach + timedelta(days=7):
                    clusters[-1].append(d)
                else:
                    clusters.append([d])
                    reach = date.min
                reach = max(reach, parse_day(e) or date.min)
            if not clusters:
                ev = Event(etype, person, org, list(fs))
                # only the articles' own dates: the event happened by the earliest of them
                dated = sorted((f for f in fs if f["date"]), key=lambda f: (f["date_end"] or "9999", f["date"]))
                if dated:
                    f0 = dated[0]
                    ev.date, ev.date_end, ev.granularity = f0["date"], f0["date_end"], f0["granularity"]
                    ev.date_basis = f0["date_basis"] if f0["date_basis"] in ("published", "inferred") else "published"
                events.append(ev)
                continue
            evs = [Event(etype, person, org) for _ in clusters]
            for f in fs:
                d = f["date"] if f["date_basis"] in ("text", "context") else None
                if d:
                    i = next(n for n, c in enumerate(clusters) if d in c)
                elif f["date"]:
                    i = min(range(len(clusters)), key=lambda n: abs((parse_day(clusters[n][0]) - parse_day(f["date"])).days))  # type: ignore[operator]
                else:
                    i = 0
                evs[i].facts.append(f)
            for ev in evs:
                days = ev.stated_days()
                # a day the text states beats a day read from context; then more independent sources
                ranked = sorted(days, key=lambda d: (not _textual(days[d]), days[d][0]["granularity"] != "day",
                                                     -len({f["duplicate_of"] or f["doc_id"] for f in days[d]}), d))
                best = ranked[0]
                ev.date, ev.date_end = best, days[best][0]["date_end"]
                ev.granularity = days[best][0]["granularity"]
                ev.date_basis = "text" if any(f["date_basis"] == "text" for f in days[best]) else "context"
                if ev.granularity != "day":
                    _narrow_to_report_day(ev)
                roles = {f["role"] for f in days[best] if f["role"]}
                for d in ranked[1:]:
                    # a day only guessed from context does not contradict a stated one
                    if not _textual(days[d]) or not _textual(days[best]):
                        continue
                    g = days[d][0]
                    other_roles = {f["role"] for f in days[d] if f["role"]}
                    if roles and other_roles and not roles & other_roles:
                        continue  # "nommé directeur financier en 2012", "nommé PDG en 2013": two events
                    if all(f["modality"] == "plan" for f in days[d]) != all(f["modality"] == "plan" for f in days[best]):
                        continue  # the news and the day it takes effect ("quittera le groupe le 1er juin")
                    # dates that overlap agree ("en décembre", "le 1er décembre"); "en 2012" and "en
                    # 2013" for one event do not
                    if g["date"] > (ev.date_end or ev.date) or (g["date_end"] or g["date"]) < ev.date:
                        ev.alternatives[d] = days[d]
            events.extend(evs)
        _share_exit_days(events)
        _handover_days(events)
        events = _fold_exit_mentions(events)
        events.sort(key=lambda e: (e.date is None, e.date or "", e.type))
        return events

    def timeline(self, org: str | None = None, person: str | None = None, start: date | None = None,
                 end: date | None = None, types: set[str] | None = None) -> list[dict[str, Any]]:
        out = []
        po = self.resolver.org(org) if org else None
        pp = self.resolver.person(person) if person else None
        for ev in self.events:
            if po and ev.org != po and po not in (
                    f["detail"].get(k) for f in ev.facts for k in ("holder", "investor")):
                continue
            if pp and (ev.person or ev.speaker) != pp:
                continue
            if types and ev.type not in types:
                continue
            d = parse_day(ev.date)
            if (start or end) and d is None:
                continue
            if start and d and (parse_day(ev.date_end) or d) < start:
                continue
            if end and d and d > end:
                continue
            out.append(ev.to_json())
        return out

    def first_events(self, n: int) -> tuple[list[dict[str, Any]], int]:
        """The first ``n`` events of the timeline (no filter), and how many there are."""
        events = self.timeline()
        return events[:n], len(events)

    # ---- roles ---------------------------------------------------------------------
    def _intervals(self) -> list[Interval]:
        per: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for f in self.facts:
            if not f["person"] or not f["org"] or f["negated"]:
                continue
            if f["type"] == "role" or (f["type"] in EXITS + STARTS and _moves_term(f)):
                per[(f["unit"], f["person"])].append(f)
        # role statements inside a sentence telling an event of the same person describe
        # the past (the fired CEO), not the day of publication
        # (a start read from "en place depuis 2021" is the term's start, the statement stays evidence)
        event_sents = {(f["doc_id"], f["sentence_idx"], f["person"]) for f in self.facts
                       if f["type"] in EXITS + STARTS and not f["detail"].get("since")}
        events_by_person: dict[tuple[str, str], list[Event]] = defaultdict(list)
        for ev in self.events:
            if ev.person and ev.org and ev.type in EXITS + STARTS and any(_moves_term(f) for f in ev.facts):
                units = Counter(f["unit"] for f in ev.facts if _moves_term(f))
                events_by_person[(units.most_common(1)[0][0], ev.person)].append(ev)
        builder = TermBuilder(self.collective, self._replaced_role, self._starts_of, self.lex.dual_labels, self._vacated)
        return role_terms(per, event_sents, events_by_person, builder, self.lex.single_holder,
                          self.lex.exclusive_roles)

    def _replaced_role(self, ev: Event) -> str | None:
        replaced = next((f["detail"].get("replaces") for f in ev.facts if f["detail"].get("replaces")), None)
        if not replaced:
            return self._vacated_role(ev) if ev.interim and ev.type == "appointment" else None
        # "X est nommé présidente du conseil. Elle succédera à Y": the post the same articles name
        docs = {f["doc_id"] for f in ev.facts}
        for other in self.events:
            if other.person == ev.person and other is not ev and other.org == ev.org and other.type in STARTS \
                    and other.role and docs & {f["doc_id"] for f in other.facts}:
                return other.role
        who = self.resolver.person(replaced)
        for other in self.events:
            if other.person == who and other.org == ev.org and other.type in STARTS and other.role:
                return other.role
        # else the post the sources say the replaced person held there
        held = Counter(f["role"] for f in self.facts if f["type"] == "role" and f["person"] == who
                       and f["org"] == ev.org and f["role"] in self.lex.single_holder
                       and not f["detail"].get("combined") and not f["detail"].get("former"))
        return held.most_common(1)[0][0] if held else None

    def _vacated_role(self, ev: Event) -> str | None:
        exit_ = self._vacated(ev)
        return exit_.role if exit_ else None

    def _vacated(self, ev: Event) -> Event | None:
        """"Depuis le départ de Y, c'est X qui assure l'intérim": an interim with no post named
        fills the post that the exit told in the same articles left empty, from that exit on."""
        if not (ev.interim and ev.type == "appointment"):
            return None
        docs = {f["doc_id"] for f in ev.facts}
        for other in self.events:
            if other.type in EXITS and other.org == ev.org and other.person != ev.person and other.role \
                    and other.role in self.lex.single_holder and docs & {f["doc_id"] for f in other.facts}:
                return other
        return None

    def _starts_of(self, org: str, role: str) -> list[Event]:
        if not hasattr(self, "_starts_index"):
            idx: dict[tuple[str | None, str | None], list[Event]] = defaultdict(list)
            for o in self.events:
                if o.type in STARTS:
                    idx[(o.org, o.role)].append(o)
            self._starts_index = idx
        return self._starts_index.get((org, role), [])

    def roles(self, org: str, role: str | None = None) -> list[Interval]:
        o = self.resolver.unit(org)
        want = self.lex.canonical_role(role) if role else None
        if role and want is None:
            want = role
        return [i for i in self.intervals if i.org == o and (want is None or i.role.lower() == want.lower())]

    def holders(self, org: str, role: str, at: date) -> list[Interval]:
        ivs = self.roles(org, role)
        return holders(ivs, at, bool(ivs) and ivs[0].role in self.lex.single_holder)

    # ---- conflicts -----------------------------------------------------------------
    def conflicts(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for ev in self.events:
            if ev.alternatives:
                vals = {ev.date: ev.stated_days().get(ev.date or "", [])} | ev.alternatives
                about = f"day of the {ev.type} of {ev.person or '?'}" + (f" ({ev.org})" if ev.org else "")
                out.append({"kind": "conflict", "about": about, "values": [
                    {"value": d, "text": sorted({f["date_text"] for f in fs if f["date_text"]}),
                     "sources": [source_of(f) for f in fs]} for d, fs in vals.items()]})
        groups: dict[tuple[str, str | None, str | None], list[dict[str, Any]]] = defaultdict(list)
        for f in self.facts:
            if f["negated"] or f["modality"] == "hypothetical":
                continue
            if f["type"] in ("headcount", "petition"):
                groups[(f["type"], f["org"], None)].append(f)
            elif f["type"] == "stake":
                groups[("stake", f["org"], f["detail"].get("holder"))].append(f)
            elif f["type"] == "investment" and f["detail"].get("amount"):
                groups[("investment", f["org"], f["detail"].get("investor"))].append(f)
            elif f["type"] == "age" and f["person"]:
                groups[("age", f["person"], None)].append(f)
            elif f["type"] == "tenure" and f["person"]:
                # years at the company and years in a post are two different figures
                # (and years in two posts: "deux ans président exécutif", "15 ans directeur général")
                at = f["detail"].get("at", "company")
                post = f"{at}: {f['role']}" if at == "post" and f["role"] else at
                groups[("tenure", f["person"], f"{f['org']} ({post})")].append(f)
        for (kind, subject, other), fs in groups.items():
            item = self._compare(kind, subject, other, fs)
            if item:
                out.append(item)
        out.extend(self._holder_conflicts())
        out.extend(self._start_conflicts())
        return out

    def _start_conflicts(self) -> list[dict[str, Any]]:
        """One start told in two different years: "arrivé en 2016 à la tête du groupe" and "PDG
        depuis 2017" (two appointment events, one of them read from a term's start; days of
        one year are the events' own conflicts, or an announcement and its effect), by different
        witnesses, for the same post or one left unnamed, at most a year apart (further apart,
        they are more likely two terms), with no exit of that person from there in between.
        Starts merged into one event already carry their dates as that event's conflict."""
        claims: dict[tuple[str, str], list[tuple[date, date, str | None, str, list[dict[str, Any]], Event]]] = defaultdict(list)
        exits: dict[tuple[str, str], list[date]] = defaultdict(list)
        for ev in self.events:
            if not (ev.person and ev.org and ev.date):
                continue
            if ev.type in EXITS or ev.type == "return":
                exits[(ev.person, ev.org)].append(parse_day(ev.date) or date.min)
            if ev.type != "appointment" or ev.date_basis != "text" or ev.granularity not in ("day", "month", "year"):
                continue
            fs = [f for f in ev.facts if f["date"] == ev.date and f["date_basis"] == "text" and f["modality"] in ("stated", "reported")]
            lo, hi = parse_day(ev.date), parse_day(ev.date_end or ev.date)
            if fs and lo and hi:
                claims[(ev.person, ev.org)].append((lo, hi, ev.role, _period(ev.date, ev.granularity), fs, ev))
        out = []
        for (person, org), cs in sorted(claims.items()):
            seen: set[tuple[str, str]] = set()
            for a in cs:
                for b in cs:
                    if not (a[1].year < b[0].year) or (a[3], b[3]) in seen or a[5] is b[5]:
                        continue
                    if a[2] and b[2] and a[2] != b[2]:
                        continue  # two posts
                    if b[0].year - a[1].year > 1 or any(a[0] <= x <= b[1] for x in exits.get((person, org), ())):
                        continue
                    wa = {f["duplicate_of"] or f["doc_id"] for f in a[4]}
                    wb = {f["duplicate_of"] or f["doc_id"] for f in b[4]}
                    if wa <= wb or wb <= wa:
                        continue  # one source dating it twice
                    seen.add((a[3], b[3]))
                    out.append({"kind": "conflict", "about": f"when {person} took up the post{' of ' + (a[2] or b[2]) if a[2] or b[2] else ''} at {org}",
                                "values": [{"value": c[3], "sources": [source_of(f) for f in c[4]]} for c in (a, b)]})
        return out

    def _holder_conflicts(self) -> list[dict[str, Any]]:
        """Sources that name different people for one post on one day: appointments dated the
        same day, or role statements with the organisation named, in articles of the same day."""
        cached = self.__dict__.get("_holders_cache")
        if cached is None:
            cached = self.__dict__["_holders_cache"] = self._find_holder_conflicts()
        return cached

    def _find_holder_conflicts(self) -> list[dict[str, Any]]:
        claims: dict[tuple[str, str, str, bool], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for ev in self.events:
            if ev.type == "appointment" and ev.person and ev.org and ev.role and ev.role not in self.collective \
                    and ev.date and ev.granularity == "day" and ev.date_basis == "text":
                claims[(ev.org, ev.role, ev.date, ev.interim)][ev.person].extend(ev.facts)
        for f in self.facts:
            if f["type"] == "role" and f["person"] and f["org"] and not f["org_inferred"] and f["role"] \
                    and f["role"] not in self.collective and f["published"] and not f["detail"].get("former"):
                claims[(f["org"], f["role"], str(f["published"])[:10], bool(f["interim"]))][f["person"]].append(f)
        out = []
        for (org, role, day, interim), people in sorted(claims.items()):
            if len(people) < 2:
                continue
            witnesses = {p: {f["duplicate_of"] or f["doc_id"] for f in fs} for p, fs in people.items()}
            # each name from its own source: one article naming two holders is not a disagreement
            if not any(not (w1 & w2) for a, w1 in witnesses.items() for b, w2 in witnesses.items() if a < b):
                continue
            about = f"who was {'interim ' if interim else ''}{role} of {org} on {day}"
            out.append({"kind": "conflict", "about": about, "values": [
                {"value": p, "sources": [source_of(f) for f in fs]} for p, fs in sorted(people.items())]})
        return out

    def _compare(self, kind: str, subject: str | None, other: str | None, fs: list[dict[str, Any]]) -> dict[str, Any] | None:
        by_value: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in fs:
            by_value[str(f["detail"].get("value"))].append(f)
        if len(by_value) < 2:
            return None
        witnesses = {f["duplicate_of"] or f["doc_id"] for f in fs}
        if len(witnesses) < 2:
            return None
        about = {"headcount": f"{subject} head-count", "petition": f"people signing or threatening to leave ({subject})",
                 "stake": f"stake of {other} in {subject}", "investment": f"amount invested by {other} in {subject}",
                 "age": f"age of {subject}", "tenure": f"years {subject} spent at {other or '?'}"}[kind]
        if kind == "age":
            births = []
            for f in fs:
                at = parse_day(f["date"])
                if at is None:
                    continue
                n = int(f["detail"]["value"])
                births.append((at.replace(year=at.year - n - 1) + timedelta(days=1), at.replace(year=at.year - n)))
            if not births or max(b[0] for b in births) <= min(b[1] for b in births):
                return None  # one birth date fits every statement
            kind_out = "conflict"
        else:
            exact = {v: g for v, g in by_value.items() if all(f["detail"].get("qualifier", "exact") == "exact" for f in g)}
            bounds = {v: g for v, g in by_value.items() if v not in exact}
            counts = sorted({float(g[0]["detail"].get("count") or g[0]["detail"].get("percent") or g[0]["detail"].get("amount") or 0)
                             for g in exact.values()})
            if len(exact) < 2 and not (exact and any(
                    float(g[0]["detail"].get("count") or 0) > min(counts or [0]) for g in bounds.values()
                    if g[0]["detail"].get("qualifier") == "at least")):
                if kind != "petition":
                    return None
            dates = sorted(parse_day(f["published"]) for f in fs if parse_day(f["published"]))  # type: ignore[type-var]
            spread = (dates[-1] - dates[0]).days if len(dates) >= 2 else 0
            undated = any(not f["published"] for f in fs)
            if kind == "petition" or (spread > 31 and not undated):
                kind_out = "update"
            else:
                kind_out = "conflict"
        values = []
        for v, g in sorted(by_value.items(), key=lambda kv: (min((f["published"] or "9999") for f in kv[1]), kv[0])):
            item = {"value": v, "published": min((f["published"] or "") for f in g) or None,
                    "sources": [source_of(f) for f in g]}
            if g[0]["detail"].get("percent") is not None:
                item["percent"] = g[0]["detail"]["percent"]
            values.append(item)
        return {"kind": kind_out, "about": about, "values": values}

    # ---- people --------------------------------------------------------------------
    def bars(self) -> list[dict[str, Any]]:
        """Every role interval as the chart draws it (:meth:`Interval.bar`)."""
        return [i.bar() for i in self.intervals]

    def entities(self) -> list[dict[str, Any]]:
        return entity_listing(self.resolver, [(i.name, i.role, i.org, i.interim) for i in self.intervals])
