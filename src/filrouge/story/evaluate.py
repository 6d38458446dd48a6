"""Score a story against a gold file (the format of ``../shared/eval/seeds.gold.yaml``).

- roles_at: the gold holder (matched on family name) is among the holders of that role
  at that date, with the same interim flag when the gold gives one;
- events: a predicted event matches a gold event when type, person (family name) and
  organisation agree and its date falls in the gold date (a day, a month or a year);
  recall over gold events; precision over predicted dated events of the gold's event
  types, where a prediction is right if it matches a gold event or an undated gold fact;
- conflicts / updates: found when one predicted item of that kind carries at least two of
  the gold values (the ISO dates or numbers written in them);
- traps: a trap written as a mapping ``{no_event: {type, person, org, date}}`` is checked;
  a trap written as prose is listed for a person to check.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..extract.mentions import person_key
from .build import Story


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read gold file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"{path}:{mark.line + 1}" if mark else str(path), "gold file is not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "gold file: expected a mapping")
    return data


def _same_person(gold: str | None, pred: str | None) -> bool:
    if not gold:
        return True
    return bool(pred) and person_key(gold) == person_key(pred)  # type: ignore[arg-type]


def _in_date(gold: Any, pred: str | None) -> bool:
    if gold is None:
        return True
    if not pred:
        return False
    g = str(gold)
    return pred[: len(g)] == g if len(g) < 10 else pred[:10] == g


def _match(story: Story, g: dict[str, Any], e: dict[str, Any], dated: bool = True) -> bool:
    if g.get("type") != e["type"] or not _same_person(g.get("person"), e.get("person")):
        return False
    if g.get("org") and not (e.get("org") and story.resolver.same_org(str(g["org"]), e["org"])):
        return False
    return not dated or _in_date(g.get("date"), e.get("date"))


def _values(text: str) -> set[str]:
    return set(re.findall(r"\d{4}-\d{2}-\d{2}|\d+(?:[.,]\d+)?", str(text)))


def evaluate(story: Story, gold: dict[str, Any]) -> dict[str, Any]:
    res: dict[str, Any] = {}
    rows = []
    for g in gold.get("roles_at") or []:
        at = g["at"] if isinstance(g["at"], date) else date.fromisoformat(str(g["at"]))
        holders = story.holders(str(g["org"]), str(g["role"]), at)
        ok = any(_same_person(str(g["holder"]), h.name) and ("interim" not in g or bool(g["interim"]) == h.interim)
                 for h in holders)
        rows.append({"org": g["org"], "role": g["role"], "at": str(g["at"]), "gold": g["holder"],
                     "found": [h.name for h in holders], "ok": ok})
    res["roles_at"] = {"correct": sum(r["ok"] for r in rows), "total": len(rows), "items": rows}
    events = story.timeline()
    gold_events = gold.get("events") or []
    found = [any(_match(story, g, e) for e in events) for g in gold_events]
    types = {g["type"] for g in gold_events}
    predicted = [e for e in events if e["type"] in types and e["date"]]
    facts = [f for f in gold.get("facts") or [] if f.get("type") in types]
    right = [e for e in predicted if any(_match(story, g, e) for g in gold_events)
             or any(_match(story, f, e, dated=False) for f in facts)]
    res["events"] = {
        "recall": sum(found) / len(found) if found else None,
        "precision": len(right) / len(predicted) if predicted else None,
        "found": sum(found), "gold": len(found), "predicted": len(predicted), "right": len(right),
        "missed": [g for g, ok in zip(gold_events, found, strict=True) if not ok],
        "wrong": [{k: e[k] for k in ("date", "type", "person", "org")} for e in predicted if e not in right],
    }
    items = story.conflicts()
    for key, kind in (("conflicts", "conflict"), ("updates", "update")):
        out = []
        for g in gold.get(key) or []:
            want = set().union(*(_values(v) for v in g.get("values", []))) if g.get("values") else set()
            hit = None
            for c in items:
                if c["kind"] != kind:
                    continue
                have = set()
                for v in c["values"]:
                    have |= _values(v["value"])
                if len(want & have) >= 2:
                    hit = c["about"]
                    break
            out.append({"about": g.get("about"), "found": hit is not None, "as": hit})
        res[key] = {"found": sum(o["found"] for o in out), "total": len(out), "items": out}
    traps = []
    for t in gold.get("traps") or []:
        if isinstance(t, dict) and "no_event" in t:
            bad = [e for e in events if _match(story, t["no_event"], e)]
            traps.append({"trap": t, "violated": bool(bad), "checked": True})
        else:
            traps.append({"trap": t, "violated": None, "checked": False})
    res["traps"] = {"checked": sum(t["checked"] for t in traps),
                    "violated": sum(bool(t["violated"]) for t in traps), "items": traps}
    return res


