"""Main-text extraction quality of filrouge's HTML cleaning on trafilatura's French eval set.

Scoring as upstream (tests/eval_common.py): per page, `with` snippets found = TP, missing =
FN, `without` snippets found = FP. Also publication-date exact match (YYYY-MM-DD).

    python bench/trafilatura_fr.py [--raw]   (--raw: trafilatura alone, for comparison)
"""

from __future__ import annotations

import argparse
import json
import re
import time

from _common import shared


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", action="store_true", help="score trafilatura alone too")
    args = ap.parse_args()
    root = shared("benchmarks", "trafilatura_eval_fr")
    data = json.loads((root / "evaldata_fr.json").read_text("utf-8"))

    from filrouge.clean.cleaner import Cleaner
    from filrouge.config import Settings
    from filrouge.errors import InputError
    from filrouge.models import RawDocument

    cleaner = Cleaner(Settings())
    systems = {"filrouge": None}
    if args.raw:
        systems["trafilatura alone"] = None
    for name in systems:
        tp = fp = fn = tn = 0
        dates_ok = dates_total = 0
        t0 = time.perf_counter()
        for url, entry in data.items():
            html = (root / "html" / entry["file"]).read_bytes().decode("utf-8", errors="replace")
            if name == "filrouge":
                try:
                    doc = cleaner.clean(RawDocument(origin=entry["file"], kind="html", content=html, url=url))
                    text, date = doc.body, doc.published
                except InputError:
                    text, date = "", None
            else:
                import trafilatura

                text = trafilatura.extract(html, url=url, include_comments=False) or ""
                date = None
            text = norm(text)
            for s in entry.get("with", []):
                if norm(s) in text:
                    tp += 1
                else:
                    fn += 1
            for s in entry.get("without", []):
                if norm(s) in text:
                    fp += 1
                else:
                    tn += 1
            if entry.get("date") and name == "filrouge":
                dates_total += 1
                dates_ok += int((date or "")[:10] == entry["date"])
        dt = time.perf_counter() - t0
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn)
        acc = (tp + tn) / (tp + tn + fp + fn)
        print(f"{name:>18}: pages={len(data)} precision={p:.3f} recall={r:.3f} F1={f1:.3f} accuracy={acc:.3f} "
              f"time={dt:.1f}s" + (f" date exact={dates_ok}/{dates_total}" if dates_total else ""))


if __name__ == "__main__":
    main()
