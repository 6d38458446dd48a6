"""``filrouge report``: the story as one self-contained HTML file (no network, no external
asset: styles, script and data are inside it), which opens from disk and can be mailed."""

from __future__ import annotations

from pathlib import Path

from ..store.repository import Store
from ..story.build import Story
from .payload import story_payload
from .render import page, story_title


def write_report(store: Store, story: Story, out: Path, title: str | None = None) -> dict[str, int]:
    payload = story_payload(store, story, bodies=True)
    html = page(report=True, title=title or story_title(payload), payload=payload)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return {"bytes": len(html.encode("utf-8")), "events": len(payload["events"]),
            "intervals": len(payload["intervals"]), "conflicts": len(payload["conflicts"]),
            "articles": payload["counts"]["articles"]}
