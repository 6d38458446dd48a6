"""``filrouge export --format json|csv|timelinejs|graphml``: the story in standard formats.

- json: everything (events, role intervals, conflicts, entities, articles, facts), with provenance;
- csv: one row per event and one per role interval (``row_kind`` tells which), with every
  date bound: date, date_end, granularity, date_basis, estimated for events; start, start_by,
  start_after, end, end_by, open (and start/end granularity) for intervals;
- timelinejs: Knight Lab TimelineJS JSON (``events[]`` with ``start_date``/``end_date``,
  ``text.headline``/``text.text``, ``group``, ``unique_id``); a date is as precise as it is
  known (``{"year": "1985"}`` for a year, year and month for a month) and ``display_date``
  marks estimated, coarse or bounded ones ("≈ 12 March 2024 · estimated date (publication)");
- graphml: people, organisations, roles and events as nodes, with dated edges (Gephi, networkx).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from ..store.repository import Store
from ..story.build import Story
from .payload import event_dates, interval_bounds, period, precision, story_payload

FORMATS = ("json", "csv", "timelinejs", "graphml")


def _sources_text(sources: list[dict[str, Any]]) -> str:
    return " | ".join(f"{s.get('source') or '?'} ({(s.get('published') or '')[:10]}): {s.get('text') or ''}"
                      for s in sources)


def to_json(store: Store, story: Story) -> str:
    payload = story_payload(store, story)
    payload["facts"] = [{k: v for k, v in f.items() if k != "id"} for f in story.facts]
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str)


CSV_FIELDS = ["row_kind", "type", "date", "date_end", "granularity", "person", "org", "role", "interim",
              "modality", "start", "end", "open", "support", "value", "sources", "source_docs",
              # how sure the dates are (events: basis and estimate; intervals: bounds of unknown days)
              "date_basis", "estimated", "start_by", "start_after", "end_by", "start_granularity",
              "end_granularity", "date_label"]


def to_csv(store: Store, story: Story) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    w.writeheader()
    for e in story.timeline():
        event_dates(e)
        w.writerow({"row_kind": "event", **e, "person": e["person"] or e.get("speaker"),
                    "value": e.get("value") or e.get("quote") or "",
                    "sources": _sources_text(e["sources"]),
                    "source_docs": " ".join(sorted({s["doc"] for s in e["sources"]}))})
    for iv in story.intervals:
        j = interval_bounds(iv.to_json())
        # start / end: known days only; a bound is in start_by / start_after / end_by
        w.writerow({"row_kind": "role_interval", "type": "role", "person": j["name"], "org": j["org"],
                    "role": j["role"], "interim": j["interim"], "start": j["start"], "end": j["end"],
                    "start_by": j["start_by"], "start_after": j["start_after"], "end_by": j["end_by"],
                    "start_granularity": j.get("start_granularity"), "end_granularity": j.get("end_granularity"),
                    "open": j["open"], "date_label": j["dates_label"],
                    "support": len({s["doc"] for s in j["sources"]}), "sources": _sources_text(j["sources"]),
                    "source_docs": " ".join(sorted({s["doc"] for s in j["sources"]}))})
    return buf.getvalue()


def _tl_date(d: str, granularity: str | None = None) -> dict[str, str]:
    """A TimelineJS date object as precise as the date is known: a year-only date is
    ``{"year": "1985"}`` (never 1 January), a month one has no day."""
    first, _last = period(d, granularity)
    if first is None:
        return {"year": str(d)[:4]}
    y, m, day = first.split("-")
    g = precision(d, granularity)
    if g in ("year", "decade", "century"):
        return {"year": str(int(y))}
    if g in ("month", "season", "quarter"):
        return {"year": str(int(y)), "month": str(int(m))}
    return {"year": str(int(y)), "month": str(int(m)), "day": str(int(day))}


def _tl_event_dates(e: dict[str, Any]) -> dict[str, Any]:
    g = e.get("granularity")
    out: dict[str, Any] = {"start_date": _tl_date(e["date"], g)}
    prec = e["date_precision"]
    end = e.get("date_end")
    if prec in ("week", "season", "quarter", "decade", "century"):
        # a period TimelineJS has no unit for: the span of its first and last days
        _first, last = period(e["date"], g)
        end = last
    if end and end != e["date"] and prec not in ("month", "year"):
        out["end_date"] = _tl_date(end, "day" if prec in ("day", "week") else
                                   "month" if prec in ("season", "quarter") else "year")
        if out["end_date"] == out["start_date"]:
            del out["end_date"]
    if e["estimated"] or prec in ("week", "season", "quarter", "decade", "century"):
        label = e["date_label"] + (f" · {e['date_note']}" if e["estimated"] else "")
        out["display_date"] = label
        out["start_date"]["display_date"] = label
    return out


def to_timelinejs(store: Store, story: Story) -> str:
    events = []
    for n, e in enumerate(story.timeline()):
        if not e["date"]:
            continue  # TimelineJS needs a start date
        event_dates(e)
        who = ", ".join(x for x in (e["person"] or e.get("speaker"), e["role"], e["org"]) if x)
        headline = f"{e['type']}: {who}" if who else e["type"]
        lines = [f"{'interim · ' if e['interim'] else ''}{e['modality']} · {e['support']} source(s)"]
        if e["date_note"]:
            lines.append(f"date: {e['date_label']} ({e['date_note']})")
        lines += [f"{s.get('source') or '?'}: « {s.get('text') or ''} »" for s in e["sources"][:5]]
        item: dict[str, Any] = {
            **_tl_event_dates(e),
            # TimelineJS renders text as HTML: article text is escaped here
            "text": {"headline": html.escape(headline), "text": "<br>".join(html.escape(x) for x in lines)},
            "group": e["org"] or e["type"],
            "unique_id": f"event-{n}",
        }
        events.append(item)
    for n, iv in enumerate(story.intervals):
        j = interval_bounds(iv.to_json())
        start = j["start"] or j["start_by"] or j["start_after"]
        gran = j.get("start_granularity") if j["start"] else None
        if not j["start"] and j.get("start_granularity") in ("month", "year") and j["start_lo"]:
            start, gran = j["start_lo"], j["start_granularity"]  # "nommée en mai 2018": the month, not a day
        if not start:
            continue
        item = {"start_date": _tl_date(start, gran),
                "text": {"headline": html.escape(f"{iv.name}: {iv.role}{' (interim)' if iv.interim else ''}"),
                         "text": html.escape(f"{iv.org} · {j['dates_label']}")},
                "group": f"{iv.org} · {iv.role}", "unique_id": f"role-{n}"}
        end = j["end"] or j["end_by"]
        if end:
            item["end_date"] = _tl_date(end, j.get("end_granularity") if j["end"] else None)
        if j["start_uncertain"] or j["end_uncertain"]:
            item["display_date"] = j["dates_label"]
        events.append(item)
    return json.dumps({"title": {"text": {"headline": "filrouge timeline", "text": ""}}, "events": events},
                      ensure_ascii=False, indent=1)


def to_graphml(store: Store, story: Story) -> str:
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys = [("label", "node", "string"), ("kind", "node", "string"), ("date", "node", "string"),
            ("interim", "all", "boolean"), ("relation", "edge", "string"), ("role", "edge", "string"),
            ("start", "edge", "string"), ("end", "edge", "string"), ("sources", "all", "int"),
            ("start_by", "edge", "string"), ("start_after", "edge", "string"), ("end_by", "edge", "string"),
            ("granularity", "node", "string"), ("date_basis", "node", "string"), ("estimated", "node", "boolean")]
    for name, domain, typ in keys:
        ET.SubElement(root, f"{{{ns}}}key", {"id": name, "for": domain, "attr.name": name, "attr.type": typ})
    g = ET.SubElement(root, f"{{{ns}}}graph", {"id": "story", "edgedefault": "directed"})
    nodes: set[str] = set()

    def node(nid: str, **data: Any) -> str:
        if nid not in nodes:
            nodes.add(nid)
            n = ET.SubElement(g, f"{{{ns}}}node", {"id": nid})
            for k, v in data.items():
                if v is not None:
                    ET.SubElement(n, f"{{{ns}}}data", {"key": k}).text = str(v).lower() if isinstance(v, bool) else str(v)
        return nid

    edges = 0

    def edge(a: str, b: str, **data: Any) -> None:
        nonlocal edges
        edges += 1
        e = ET.SubElement(g, f"{{{ns}}}edge", {"id": f"e{edges}", "source": a, "target": b})
        for k, v in data.items():
            if v is not None:
                ET.SubElement(e, f"{{{ns}}}data", {"key": k}).text = str(v).lower() if isinstance(v, bool) else str(v)

    for ent in story.entities():
        node(f"{ent['kind']}:{ent['name']}", label=ent["name"], kind=ent["kind"])
        if ent.get("part_of"):
            edge(f"{ent['kind']}:{ent['name']}", node(f"organisation:{ent['part_of']}", label=ent["part_of"],
                                                      kind="organisation"), relation="part_of")
    for iv in story.intervals:
        p = node(f"person:{iv.name}", label=iv.name, kind="person")
        o = node(f"organisation:{iv.org}", label=iv.org, kind="organisation")
        r = node(f"role:{iv.org}:{iv.role}", label=f"{iv.role} ({iv.org})", kind="role")
        edge(r, o, relation="role_at")
        edge(p, r, relation="held", role=iv.role, interim=iv.interim,
             start=iv.start or iv.start_by or iv.start_after, end=iv.end or iv.end_by,
             start_by=iv.start_by, start_after=iv.start_after, end_by=iv.end_by,
             sources=len({s["doc"] for s in iv.sources}))
    for n, e in enumerate(story.timeline()):
        event_dates(e)
        who = e["person"] or e.get("speaker")
        ev = node(f"event:{n}", label=f"{e['type']} {who or ''}".strip(), kind="event",
                  date=e["date"], granularity=e["granularity"], date_basis=e["date_basis"],
                  estimated=e["estimated"], interim=e["interim"], sources=e["support"])
        if who:
            edge(node(f"person:{who}", label=who, kind="person"), ev,
                 relation="said" if e["type"] == "quote" else "subject_of")
        if e["org"]:
            edge(ev, node(f"organisation:{e['org']}", label=e["org"], kind="organisation"), relation="at",
                 start=e["date"])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


WRITERS: dict[str, Callable[[Store, Story], str]] = {
    "json": to_json, "csv": to_csv, "timelinejs": to_timelinejs, "graphml": to_graphml,
}
