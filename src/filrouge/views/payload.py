"""What the report, the web app and the exports show: one JSON-able payload built from the
store and the story computed over it.

Every source a view shows carries its provenance (article, sentence span) and the text around
it, so a reader can check each claim where it was made. Nothing here produces HTML: the views
build their DOM from this data with text nodes only, which is what keeps article text inert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..store.repository import DocRow, Store
from ..story.build import Story

CONTEXT_CHARS = 240  # characters shown either side of a source sentence


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
        by[(iv["org"], iv["role"])].append(dict(iv, id=i))
    out = []
    for (org, role), bars in sorted(by.items()):
        bars.sort(key=lambda b: b["start"] or b["start_by"] or b["start_after"] or "")
        out.append({"org": org, "role": role, "bars": bars})
    return out


def story_payload(store: Store, story: Story, *, articles: bool = True, bodies: bool = False,
                  events: list[dict[str, Any]] | None = None, context: bool = True) -> dict[str, Any]:
    """Everything the views show. ``bodies``: include each article's clean text and what the
    cleaner removed (the self-contained report); otherwise articles are fetched one by one."""
    evs = story.timeline() if events is None else events
    for n, ev in enumerate(evs):
        ev["id"] = n
    intervals = [iv.to_json() for iv in story.intervals]
    payload: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {"articles": store.count("documents"), "facts": store.count("facts")},
        "events": evs,
        "intervals": intervals,
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
