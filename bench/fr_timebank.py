"""French TimeBank (TempEval-3 style): extraction P/R/F1 (strict = exact span, relaxed =
overlap) and accuracy of the normalised value on matched spans.

    python bench/fr_timebank.py [FOLDER_OF_TML] [-v]   (default ../shared/benchmarks/fr_timebank/dev)

``-v`` also lists false positives and span mismatches (gold vs predicted), to look for
rule classes that are missing rather than for fixes that fit one document.

HeidelTime reports about 0.86 strict extraction F1 on FTiB.
"""

from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path

from _common import shared

_TAG = re.compile(r"<(/?)(\w+)([^>]*?)(/?)>")


def parse_tml(path: Path) -> tuple[date | None, str, list[tuple[int, int, str, str]]]:
    raw = path.read_text("utf-8")
    dct_m = re.search(r'<DCT>.*?value="([^"]+)"', raw, re.S)
    dct = None
    if dct_m:
        try:
            dct = date.fromisoformat(dct_m.group(1)[:10])
        except ValueError:
            dct = None
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1)
    out: list[str] = []
    gold: list[tuple[int, int, str, str]] = []
    pos = 0
    open_timex: tuple[int, str, str] | None = None
    length = 0
    for m in _TAG.finditer(body):
        chunk = body[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag != "TIMEX3":
            continue
        if not closing:
            val = re.search(r'value="([^"]*)"', attrs)
            typ = re.search(r'type="([^"]*)"', attrs)
            open_timex = (length, val.group(1) if val else "", typ.group(1) if typ else "")
        elif open_timex:
            gold.append((open_timex[0], length, open_timex[1], open_timex[2]))
            open_timex = None
    out.append(body[pos:])
    # entities are rare in FTiB; unescaping would shift offsets, so the text is kept as is
    text = "".join(out)
    return dct, text, gold


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv[1:]
    folder = Path(args[0]) if args else shared("benchmarks", "fr_timebank", "dev")
    from filrouge.temporal.tagger import TimeTagger

    tagger = TimeTagger("fr")
    tp_s = tp_r = n_pred = n_gold = val_ok = val_n = 0
    t0 = time.perf_counter()
    files = sorted(folder.glob("*.tml"))
    misses: list[str] = []
    extra: list[str] = []
    for f in files:
        dct, text, gold = parse_tml(f)
        pred = tagger.tag(text, dct)
        n_pred += len(pred)
        n_gold += len(gold)
        used: set[int] = set()
        for gs, ge, gv, _gt in gold:
            strict = next((i for i, p in enumerate(pred) if p.start == gs and p.end == ge), None)
            relaxed = strict if strict is not None else next(
                (i for i, p in enumerate(pred) if p.start < ge and gs < p.end and i not in used), None)
            if strict is not None:
                tp_s += 1
            if relaxed is not None:
                tp_r += 1
                used.add(relaxed)
                val_n += 1
                if pred[relaxed].value == gv:
                    val_ok += 1
                elif len(misses) < 80 or verbose:
                    misses.append(f"{text[gs:ge]!r}: gold {gv} got {pred[relaxed].value}")
            elif len(misses) < 80 or verbose:
                misses.append(f"missed {text[gs:ge]!r} ({gv})")
            if verbose and relaxed is not None and strict is None:
                p = pred[relaxed]
                extra.append(f"span: gold {text[gs:ge]!r} got {p.text!r}")
        if verbose:
            for i, p in enumerate(pred):
                if not any(p.start < ge and gs < p.end for gs, ge, _v, _t in gold):
                    ctx = text[max(0, p.start - 30):p.end + 30].replace("\n", " ")
                    extra.append(f"false positive {p.text!r} ({p.value}) in ...{ctx}...")
    dt = time.perf_counter() - t0

    def prf(tp: int) -> tuple[float, float, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    ps, rs, fs = prf(tp_s)
    pr, rr, fr = prf(tp_r)
    print(f"FTiB {folder.name}: {len(files)} documents, {n_gold} gold TIMEX3, {n_pred} predicted, {dt:.2f}s")
    print(f"  strict  P={ps:.3f} R={rs:.3f} F1={fs:.3f}")
    print(f"  relaxed P={pr:.3f} R={rr:.3f} F1={fr:.3f}")
    print(f"  value accuracy on relaxed matches: {val_ok}/{val_n} = {val_ok / max(val_n, 1):.3f}")
    for m in misses + extra:
        print("   ", m)


if __name__ == "__main__":
    main()
