"""The page shared by the report (one self-contained file) and the web app (served)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_ENV = Environment(loader=PackageLoader("filrouge.views", "templates"), autoescape=select_autoescape(["html"]))


def asset(name: str) -> str:
    return resources.files("filrouge.views").joinpath("static", name).read_text("utf-8")


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no "<", ">" or "&" can close it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page(*, report: bool, title: str, payload: dict[str, Any] | None = None, base: str = "") -> str:
    counts = (payload or {}).get("counts", {})
    ctx: dict[str, Any] = {"report": report, "title": title, "base": base,
                           "counts": f"{counts.get('articles', 0)} articles" if payload else "the store"}
    if report:
        from markupsafe import Markup

        # trusted package assets and JSON escaped for a script element: not autoescaped
        ctx.update(css=Markup(asset("filrouge.css")), js=Markup(asset("filrouge.js")),
                   data=Markup(script_json(payload)))
    return _ENV.get_template("page.html").render(**ctx)


def story_title(payload: dict[str, Any]) -> str:
    """A title for the story: its most-named organisation, else a plain one."""
    orgs = [e for e in payload.get("entities", []) if e["kind"] == "organisation"]
    return f"The {orgs[0]['name']} story" if orgs else "Story"
