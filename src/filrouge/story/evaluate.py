"""Score a story against a gold file (the format of ``../shared/eval/seeds.gold.yaml`` and of
``../shared/eval/dev/<story>/gold.yaml``), with the rules of the project's independent scorer
``../shared/eval/score.py`` (reimplemented here, on the very JSON the CLI prints):

- roles_at: the holders ``filrouge roles ORG --role R --at D --json`` names that day. Strict:
  every holder named is a wanted person (a day with two CEOs where one is expected is wrong);
  lenient: a wanted person is among them. People match by family name; ``interim`` is ignored;
- events: recall of the gold events in ``filrouge timeline --json``: same person (family name),
  organisation (one name inside the other, spaces and accents aside), type (dismissal and
  removal interchangeable) and a date equal to one of the gold dates or inside a gold month or
  year; precision~: of the timeline events about people named in the gold, the share that
  match some gold event by person, organisation and date (``events.precision_approx``; the
  key ``events.precision`` keeps the project's earlier measure, see ``typed_precision``);
- conflicts: a ``filrouge conflicts --json`` record of kind conflict whose values (as JSON)
  contain the core of every gold value (its ISO date or number); also the number reported;
- updates (extra): found when one predicted update carries at least two of the gold values;
- traps (extra): a trap written as a mapping ``{no_event: {type, person, org, date}}`` is
  checked; a trap written as prose is listed for a person to check.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..extract.mentions import person_key
from .build import Story

CONFLICT_KINDS = ("conflict", "contradiction", "disagreement")


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


# ---- matching (the rules of score.py) ---------------------------------------------------
def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = s.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", s).strip().lower()


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def family(name: str) -> str:
    """The family name: the last word, hyphens splitting words ('Ineichen-Fleisch' -> 'fleisch')."""
    toks = [t for t in re.split(r"[\s\-]+", strip_accents(norm(name))) if t]
    return toks[-1] if toks else ""


def same_person(pred: str | None, gold: str) -> bool:
    """The gold family name is a word of the prediction, or the whole gold name is in it."""
    if not pred:
        return False
    p = strip_accents(norm(pred))
    return family(gold) in re.split(r"[\s\-,]+", p) or strip_accents(norm(gold)) in p


def same_org(pred: str | None, gold: str) -> bool:
    """One name inside the other, spaces, case and accents aside ('Acme' ~ 'Acme-Bolt')."""
    if not pred:
        return False
    p = strip_accents(norm(pred)).replace(" ", "")
    g = strip_accents(norm(gold)).replace(" ", "")
    return g in p or p in g


def same_type(pred: str | None, gold: str) -> bool:
    t = norm(pred or "")
    return t == gold or {t, gold} <= {"dismissal", "removal"}


def date_str(x: Any) -> str | None:
    if x is None:
        return None
    if isinstance(x, dict):
        for k in ("value", "date", "start", "iso"):
            if x.get(k):
                return date_str(x[k])
        return None
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()[:10]
    m = re.match(r"(\d{4})(-\d{2})?(-\d{2})?", str(x))
    return m.group(0) if m else None


def date_ok(pred: Any, gold: Any) -> bool:
    """The predicted day equals a gold date, or falls inside a gold month or year (a gold list
    gives alternatives that all count)."""
    p = date_str(pred)
    if not p:
        return False
    for g in gold if isinstance(gold, list) else [gold]:
        g = date_str(g)
        if g and (p == g or (len(g) < 10 and p.startswith(g))):
            return True
    return False


def core_value(v: Any) -> str:
    """The checkable core of a gold value: 'vendredi soir -> 2023-11-17' -> '2023-11-17',
    '700 en tout et pour tout' -> '700'; otherwise the normalised text."""
    t = norm(str(v)).split(" -> ")[-1]
    m = re.search(r"\d{4}-\d{2}(?:-\d{2})?|\d+(?:[.,]\d+)?", t)
    return m.group(0) if m else t


def _as_list(obj: Any, *keys: str) -> list[Any]:
    if obj is None:
        return []
    if isinstance(obj, list):
        return obj
    for k in keys:
        if isinstance(obj.get(k), list):
            return obj[k]
    return []


def _e_person(e: dict[str, Any]) -> str | None:
    return e.get("person") or e.get("subject")


def _e_org(e: dict[str, Any]) -> str | None:
    return e.get("org") or e.get("organization") or e.get("object")


def is_conflict(record: dict[str, Any]) -> bool:
    return norm(str(record.get("kind", "conflict"))) in CONFLICT_KINDS


# ---- what the CLI prints ----------------------------------------------------------------
def _through_json(data: Any) -> Any:
    """What a reader of the CLI's JSON gets back (the CLI prints with ensure_ascii=False)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def roles_at_payload(story: Story, org: str, role: str, at: str) -> dict[str, Any] | None:
    """The JSON of ``filrouge roles ORG --role ROLE --at AT --json`` (None: the CLI refuses AT)."""
    try:
        day = date.fromisoformat(at)
    except ValueError:
        return None
    holders = story.holders(org, role, day)
    return _through_json({
        "org": story.resolver.org(org), "role": story.lex.canonical_role(role) or role, "at": at,
        "holders": [{k: v for k, v in h.to_json().items() if k not in ("org", "role")} | {"name": h.name}
                    for h in holders]})


def timeline_payload(story: Story) -> dict[str, Any]:
    """The JSON of ``filrouge timeline --json``."""
    return _through_json({"events": story.timeline()})


def conflicts_payload(story: Story) -> dict[str, Any]:
    """The JSON of ``filrouge conflicts --json``."""
    return _through_json({"conflicts": story.conflicts()})


def holder_names(payload: Any) -> list[str | None]:
    holders = _as_list(payload, "holders") if isinstance(payload, dict) else (payload or [])
    if isinstance(payload, dict) and not holders and payload.get("holder"):
        holders = [payload]
    return [(h.get("name") or h.get("holder") or h.get("person")) if isinstance(h, dict) else str(h)
            for h in holders]


# ---- scores -----------------------------------------------------------------------------
def _ratio(n: int, total: int, empty: float = 1.0) -> float:
    return n / total if total else empty


def score_roles(gold: dict[str, Any], holders_of: Callable[[dict[str, Any]], list[str | None]]) -> dict[str, Any]:
    rows = []
    for q in gold.get("roles_at") or []:
        names = holders_of(q)
        want = q["holder"] if isinstance(q["holder"], list) else [q["holder"]]
        good = any(same_person(n, w) for n in names for w in want)
        exact = good and all(any(same_person(n, w) for w in want) for n in names if n)
        rows.append({"org": q["org"], "role": q["role"], "at": str(q["at"]), "want": want, "found": names,
                     "verdict": "OK" if exact else ("LENIENT" if good else "MISS"), "ok": exact, "lenient": good})
    strict, lenient, total = sum(r["ok"] for r in rows), sum(r["lenient"] for r in rows), len(rows)
    return {"strict": strict, "lenient": lenient, "total": total, "strict_ratio": _ratio(strict, total),
            "lenient_ratio": _ratio(lenient, total), "correct": lenient, "items": rows}


def event_matches(e: dict[str, Any], g: dict[str, Any]) -> bool:
    """A timeline event is the gold event: person, organisation, type and date."""
    if g.get("person") and not same_person(_e_person(e), g["person"]):
        return False
    if not same_org(_e_org(e), g["org"]):
        return False
    return same_type(e.get("type", ""), g["type"]) and date_ok(e.get("date"), g.get("date"))


def score_events(gold: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    gold_events = gold.get("events") or []
    found = [any(event_matches(e, g) for e in events) for g in gold_events]
    gold_people = {family(g["person"]) for g in gold_events if g.get("person")}
    relevant = [e for e in events if family(_e_person(e) or "") in gold_people]
    right = [any(g.get("person") and same_person(_e_person(e), g["person"]) and same_org(_e_org(e), g["org"])
                 and date_ok(e.get("date"), g.get("date")) for g in gold_events) for e in relevant]
    n_found, n_right = sum(found), sum(right)
    return {
        "recall": _ratio(n_found, len(gold_events)), "found": n_found, "gold": len(gold_events),
        "precision_approx": _ratio(n_right, len(relevant), 0.0), "correct": n_right, "relevant": len(relevant),
        "missed": [g for g, ok in zip(gold_events, found, strict=True) if not ok],
        "wrong": [{k: e.get(k) for k in ("date", "type", "person", "org")}
                  for e, ok in zip(relevant, right, strict=True) if not ok],
    }


def conflict_found(g: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first conflict record whose values contain the core of every gold value."""
    want = [core_value(v) for v in g["values"]]
    for r in records:
        if not is_conflict(r):
            continue
        blob = norm(json.dumps(r.get("values", r), ensure_ascii=False, default=str))
        if all(w in blob for w in want):
            return r
    return None


def score_conflicts(gold: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for g in gold.get("conflicts") or []:
        hit = conflict_found(g, records)
        items.append({"about": g.get("about"), "found": hit is not None, "as": hit.get("about") if hit else None})
    return {"found": sum(i["found"] for i in items), "total": len(items),
            "reported": sum(1 for r in records if is_conflict(r)), "items": items}


# ---- extras: updates and traps (the project's own rules) --------------------------------
def _same_key(gold: str | None, pred: str | None) -> bool:
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
    if g.get("type") != e["type"] or not _same_key(g.get("person"), e.get("person")):
        return False
    if g.get("org") and not (e.get("org") and story.resolver.same_org(str(g["org"]), e["org"])):
        return False
    return not dated or _in_date(g.get("date"), e.get("date"))


def typed_precision(story: Story, gold: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The project's earlier precision (kept as ``events.precision``): over the dated events of
    the gold's event types, a prediction is right if it matches a gold event (one gold date,
    no alternatives) or an undated gold fact."""
    gold_events = gold.get("events") or []
    types = {g["type"] for g in gold_events}
    predicted = [e for e in events if e["type"] in types and e["date"]]
    facts = [f for f in gold.get("facts") or [] if f.get("type") in types]
    right = [e for e in predicted if any(_match(story, g, e) for g in gold_events)
             or any(_match(story, f, e, dated=False) for f in facts)]
    return {"precision": len(right) / len(predicted) if predicted else None, "predicted": len(predicted),
            "right": len(right)}


def _values(text: str) -> set[str]:
    return set(re.findall(r"\d{4}-\d{2}-\d{2}|\d+(?:[.,]\d+)?", str(text)))


def score_updates(gold: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    out = []
    for g in gold.get("updates") or []:
        want = set().union(*(_values(v) for v in g.get("values", []))) if g.get("values") else set()
        hit = None
        for c in records:
            if c.get("kind") != "update":
                continue
            have: set[str] = set()
            for v in c.get("values") or []:
                have |= _values(v["value"] if isinstance(v, dict) else v)
            if len(want & have) >= 2:
                hit = c.get("about")
                break
        out.append({"about": g.get("about"), "found": hit is not None, "as": hit})
    return {"found": sum(o["found"] for o in out), "total": len(out), "items": out}


def score_traps(story: Story, gold: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    traps = []
    for t in gold.get("traps") or []:
        if isinstance(t, dict) and "no_event" in t:
            bad = [e for e in events if _match(story, t["no_event"], e)]
            traps.append({"trap": t, "violated": bool(bad), "checked": True})
        else:
            traps.append({"trap": t, "violated": None, "checked": False})
    return {"checked": sum(t["checked"] for t in traps), "violated": sum(bool(t["violated"]) for t in traps),
            "items": traps}


def _plain(x: Any) -> Any:
    """JSON-safe: the gold's YAML dates as ISO text."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()
    return x


def evaluate(story: Story, gold: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """Every score of the story against the gold, computed on what the CLI's JSON commands print."""
    events = _as_list(timeline_payload(story), "events", "timeline")
    records = _as_list(conflicts_payload(story), "conflicts", "items")
    res: dict[str, Any] = {"story": gold.get("story", name)}
    res["roles_at"] = score_roles(gold, lambda q: holder_names(
        roles_at_payload(story, str(q["org"]), str(q["role"]), str(q["at"]))))
    res["events"] = score_events(gold, events) | typed_precision(story, gold, events)
    res["conflicts"] = score_conflicts(gold, records)
    res["updates"] = score_updates(gold, records)
    res["traps"] = score_traps(story, gold, events)
    return _plain(res)


def summary_line(res: dict[str, Any]) -> str:
    """The figures in the words of score.py's last line."""
    r, e, c = res["roles_at"], res["events"], res["conflicts"]
    return (f"story {res.get('story')}: roles_at strict {r['strict']}/{r['total']} = {r['strict_ratio']:.2f} "
            f"(lenient {r['lenient_ratio']:.2f}); events recall {e['found']}/{e['gold']} = {e['recall']:.2f}, "
            f"precision~ {e['correct']}/{e['relevant']} = {e['precision_approx']:.2f}; "
            f"conflicts {c['found']}/{c['total']} (tool reported {c['reported']})")


# ---- a story folder: ingest it, then score it -------------------------------------------
def story_gold(folder: Path, gold: Path | None = None) -> Path:
    """The gold of a story folder: ``--gold`` when given, else the folder's gold.yaml."""
    path = gold if gold is not None else folder / "gold.yaml"
    if not path.is_file():
        raise InputError(str(folder), "no gold.yaml in this folder: give one with --gold FILE")
    return path


def ingest_story(folder: Path, db: str, manifest: Path | None = None, components: Any = None) -> Any:
    """Ingest a folder into the store ``db`` (a path or URL) as ``filrouge ingest FOLDER
    --manifest M`` does (same settings, same IngestRun); the folder's manifest.csv by default.
    Returns the IngestReport."""
    from ..config import Settings
    from ..ingest.manifest import load_manifest
    from ..pipeline import Components, IngestRun
    from ..store.repository import Store

    if manifest is None and (folder / "manifest.csv").is_file():
        manifest = folder / "manifest.csv"
    settings = Settings.from_env(db)
    store = Store(settings.db_url)
    try:
        man = load_manifest(manifest) if manifest is not None else None
        run = IngestRun(settings, store, components or Components(settings), man)
        report = run.run([folder])
        if man is not None:
            report.problems[:0] = man.problems
        return report
    finally:
        store.close()


def reextract_story(db: str) -> int:
    """Extract the facts of a store again, as ``filrouge extract`` does."""
    from ..config import Settings
    from ..extract.extractor import Extractor
    from ..pipeline import reextract
    from ..store.repository import Store

    settings = Settings.from_env(db)
    store = Store(settings.db_url)
    try:
        return reextract(store, Extractor(settings.language))
    finally:
        store.close()


def evaluate_store(db: str | None, gold: dict[str, Any], name: str | None = None,
                   aliases: Path | None = None) -> dict[str, Any]:
    from ..config import Settings
    from ..store.repository import Store
    from . import load_story

    store = Store(Settings.from_env(db).db_url)
    try:
        return evaluate(load_story(store, aliases), gold, name)
    finally:
        store.close()


def evaluate_folder(folder: Path, gold: Path | None = None, db: str | None = None, aliases: Path | None = None,
                    components: Any = None) -> dict[str, Any]:
    """Score a story folder (NN.txt, manifest.csv, gold.yaml): with ``db``, the store as it is;
    without, its texts ingested into a throwaway store (removed after)."""
    gold_path = story_gold(folder, gold)
    data = load_gold(gold_path)
    if db is not None:
        res = evaluate_store(db, data, folder.name, aliases)
        res["ingest"] = None
        return res
    tmp = Path(tempfile.mkdtemp(prefix="filrouge-eval-"))
    try:
        db_path = str(tmp / "story.db")
        report = ingest_story(folder, db_path, components=components)
        res = evaluate_store(db_path, data, folder.name, aliases)
        res["ingest"] = report.to_json()
        return res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
