"""The story layer on every shared story: the seeds and each folder of ../shared/eval/dev.

    python bench/stories.py [--cache DIR] [--json] [--shared PATH] [--only NAME]

Each story is ingested (with its manifest) into a throwaway store and scored as `filrouge eval`
does (the rules of ../shared/eval/score.py). With --cache DIR each story's store is kept in DIR;
when it is already there, its facts are extracted again (`filrouge extract`) instead of
ingesting the texts anew. Prints one table and a mean row over the dev stories (the seeds
are shown apart). A report, not a gate: exits 0 when it ran."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from filrouge.story.evaluate import evaluate_store, ingest_story, load_gold, reextract_story

ROOT = Path(__file__).resolve().parents[1]


def stories(shared: Path, only: str | None) -> list[tuple[str, Path, Path]]:
    """(name, corpus folder, gold file): the seeds first, then the dev folders by name."""
    out = []
    if (shared / "seeds").is_dir() and (shared / "eval" / "seeds.gold.yaml").is_file():
        out.append(("seeds", shared / "seeds", shared / "eval" / "seeds.gold.yaml"))
    dev = shared / "eval" / "dev"
    if dev.is_dir():
        out += [(d.name, d, d / "gold.yaml") for d in sorted(dev.iterdir()) if (d / "gold.yaml").is_file()]
    return [s for s in out if only is None or s[0] == only]


def run_story(name: str, corpus: Path, gold: Path, cache: Path | None, components: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    tmp = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        db = str(cache / f"{name}.db")
        if Path(db).exists():
            how = f"re-extracted {reextract_story(db)} articles"
        else:
            how = f"ingested {ingest_story(corpus, db, components=components).stored} articles"
    else:
        tmp = Path(tempfile.mkdtemp(prefix="filrouge-bench-"))
        db = str(tmp / "story.db")
        how = f"ingested {ingest_story(corpus, db, components=components).stored} articles"
    try:
        res = evaluate_store(db, load_gold(gold), corpus.name)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    r, e, c, u, t = res["roles_at"], res["events"], res["conflicts"], res["updates"], res["traps"]
    return {
        "story": name, "seconds": round(time.perf_counter() - t0, 1), "store": how,
        "roles_strict": r["strict_ratio"], "roles_strict_n": r["strict"], "roles_total": r["total"],
        "roles_lenient": r["lenient_ratio"], "roles_lenient_n": r["lenient"],
        "recall": e["recall"], "recall_n": e["found"], "events_gold": e["gold"],
        "precision": e["precision_approx"], "precision_n": e["correct"], "relevant": e["relevant"],
        "conflicts_found": c["found"], "conflicts_gold": c["total"], "conflicts_reported": c["reported"],
        "updates_found": u["found"], "updates_gold": u["total"],
        "traps_checked": t["checked"], "traps_violated": t["violated"], "traps_prose": len(t["items"]) - t["checked"],
    }


def mean_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    dev = [r for r in rows if r["story"] != "seeds"]
    if not dev:
        return None
    return {"stories": len(dev), "roles_strict": sum(r["roles_strict"] for r in dev) / len(dev),
            "recall": sum(r["recall"] for r in dev) / len(dev)}


def print_table(rows: list[dict[str, Any]], mean: dict[str, Any] | None) -> None:
    head = ("story", "roles_at strict", "lenient", "events recall", "precision~", "conflicts", "reported",
            "updates", "traps chk/viol", "s")
    lines = [head]
    for r in rows:
        lines.append((
            r["story"], f"{r['roles_strict_n']}/{r['roles_total']} {r['roles_strict']:.2f}",
            f"{r['roles_lenient_n']}/{r['roles_total']} {r['roles_lenient']:.2f}",
            f"{r['recall_n']}/{r['events_gold']} {r['recall']:.2f}",
            f"{r['precision_n']}/{r['relevant']} {r['precision']:.2f}",
            f"{r['conflicts_found']}/{r['conflicts_gold']}", str(r["conflicts_reported"]),
            f"{r['updates_found']}/{r['updates_gold']}", f"{r['traps_checked']}/{r['traps_violated']}",
            f"{r['seconds']:.0f}"))
    if mean:
        lines.append((f"mean of {mean['stories']} dev", f"{mean['roles_strict']:.2f}", "",
                      f"{mean['recall']:.2f}", "", "", "", "", "", ""))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for k, line in enumerate(lines):
        if k == 1 or (mean and k == len(lines) - 1):
            print("  ".join("-" * w for w in widths))
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))))
    print("(seeds shown apart: the mean row is over the dev stories; traps: checked/violated, "
          "prose traps are checked by hand)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder (default ../shared)")
    ap.add_argument("--cache", type=Path, help="keep each story's store here; re-extract it when present")
    ap.add_argument("--only", help="only this story (seeds, or a dev folder's name)")
    ap.add_argument("--json", action="store_true", help="print machine-readable JSON")
    a = ap.parse_args()
    todo = stories(a.shared, a.only)
    if not todo:
        print(f"no story found under {a.shared}" + (f" named {a.only!r}" if a.only else ""), file=sys.stderr)
        return 0
    components = None
    if a.cache is None or not all((a.cache / f"{n}.db").exists() for n, _c, _g in todo):
        from filrouge.config import Settings
        from filrouge.pipeline import Components

        components = Components(Settings())  # one spaCy model for every story
    rows = []
    for name, corpus, gold in todo:
        rows.append(run_story(name, corpus, gold, a.cache, components))
        if not a.json:
            print(f"{name}: {rows[-1]['store']}, {rows[-1]['seconds']:.1f} s", file=sys.stderr)
    mean = mean_row(rows)
    if a.json:
        print(json.dumps({"stories": rows, "mean_dev": mean}, indent=2))
    else:
        print_table(rows, mean)
    return 0


if __name__ == "__main__":
    sys.exit(main())
