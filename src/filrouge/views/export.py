"""``filrouge export --format json|csv|timelinejs|graphml``: the story in standard formats.

- json: everything (events, role intervals, conflicts, entities, articles, facts), with provenance;
- csv: one row per event and one per role interval (``row_kind`` tells which);
- timelinejs: Knight Lab TimelineJS JSON (``events[]`` with ``start_date``/``end_date``,
  ``text.headline``/``text.text``, ``group``, ``unique_id``);
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
from .payload import story_payload

FORMATS = ("json", "csv", "timelinejs", "graphml")


def _sources_text(sources: list[dict[str, Any]]) -> str:
    return " | ".join(f"{s.get('source') or '?'} ({(s.get('published') or '')[:10]}): {s.get('text') or ''}"
                      for s in sources)


def to_json(store: Store, story: Story) -> str:
    payload = story_payload(store, story)
    payload["facts"] = [{k: v for k, v in f.items() if k != "id"} for f in story.facts]
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str)


CSV_FIELDS = ["row_kind", "type", "date", "date_end", "granularity", "person", "org", "role", "interim",
              "modality", "start", "end", "open", "support", "value", "sources", "source_docs"]


def to_csv(store: Store, story: Story) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    w.writeheader()
    for e in story.timeline():
        w.writerow({"row_kind": "event", **e, "value": e.get("value") or e.get("quote") or "",
                    "sources": _sources_text(e["sources"]),
                    "source_docs": " ".join(sorted({s["doc"] for s in e["sources"]}))})
    for iv in story.intervals:
        j = iv.to_json()
        w.writerow({"row_kind": "role_interval", "type": "role", "person": j["name"], "org": j["org"],
                    "role": j["role"], "interim": j["interim"],
                    "start": j["start"] or (f"by {j['start_by']}" if j["start_by"] else "")
                    or (f"after {j['start_after']}" if j["start_after"] else ""),
                    "end": j["end"] or (f"by {j['end_by']}" if j["end_by"] else ""), "open": j["open"],
                    "support": len({s["doc"] for s in j["sources"]}), "sources": _sources_text(j["sources"]),
                    "source_docs": " ".join(sorted({s["doc"] for s in j["sources"]}))})
    return buf.getvalue()


def _tl_date(d: str) -> dict[str, str]:
    parts = d[:10].split("-")
    out = {"year": parts[0]}
    if len(parts) > 1:
        out["month"] = str(int(parts[1]))
    if len(parts) > 2:
        out["day"] = str(int(parts[2]))
    return out


def to_timelinejs(store: Store, story: Story) -> str:
    events = []
    for n, e in enumerate(story.timeline()):
        if not e["date"]:
            continue  # TimelineJS needs a start date
        who = ", ".join(x for x in (e["person"], e["role"], e["org"]) if x)
        headline = f"{e['type']}: {who}" if who else e["type"]
        lines = [f"{'interim · ' if e['interim'] else ''}{e['modality']} · {e['support']} source(s)"]
        lines += [f"{s.get('source') or '?'}: « {s.get('text') or ''} »" for s in e["sources"][:5]]
        item: dict[str, Any] = {
            "start_date": _tl_date(e["date"]),
            # TimelineJS renders text as HTML: article text is escaped here
            "text": {"headline": html.escape(headline), "text": "<br>".join(html.escape(x) for x in lines)},
            "group": e["org"] or e["type"],
            "unique_id": f"event-{n}",
        }
        if e["date_end"] and e["date_end"] != e["date"]:
            item["end_date"] = _tl_date(e["date_end"])
        events.append(item)
    for n, iv in enumerate(story.intervals):
        start = iv.start or iv.start_by or iv.start_after
        if not start:
            continue
        item = {"start_date": _tl_date(start),
                "text": {"headline": html.escape(f"{iv.name}: {iv.role}{' (interim)' if iv.interim else ''}"),
                         "text": html.escape(f"{iv.org}")},
                "group": f"{iv.org} · {iv.role}", "unique_id": f"role-{n}"}
        end = iv.end or iv.end_by
        if end:
            item["end_date"] = _tl_date(end)
        events.append(item)
    return json.dumps({"title": {"text": {"headline": "filrouge timeline", "text": ""}}, "events": events},
                      ensure_ascii=False, indent=1)


def to_graphml(store: Store, story: Story) -> str:
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys = [("label", "node", "string"), ("kind", "node", "string"), ("date", "node", "string"),
            ("interim", "all", "boolean"), ("relation", "edge", "string"), ("role", "edge", "string"),
            ("start", "edge", "string"), ("end", "edge", "string"), ("sources", "all", "int")]
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
             sources=len({s["doc"] for s in iv.sources}))
    for n, e in enumerate(story.timeline()):
        ev = node(f"event:{n}", label=f"{e['type']} {e['person'] or ''}".strip(), kind="event",
                  date=e["date"], interim=e["interim"], sources=e["support"])
        if e["person"]:
            edge(node(f"person:{e['person']}", label=e["person"], kind="person"), ev, relation="subject_of")
        if e["org"]:
            edge(ev, node(f"organisation:{e['org']}", label=e["org"], kind="organisation"), relation="at",
                 start=e["date"])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


WRITERS: dict[str, Callable[[Store, Story], str]] = {
    "json": to_json, "csv": to_csv, "timelinejs": to_timelinejs, "graphml": to_graphml,
}
