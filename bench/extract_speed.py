"""Extraction cost against the spaCy stage, on the same articles in the same run.

    python bench/extract_speed.py [FOLDER ...]   (default: ../shared/seeds, else examples/)

Prints spaCy parse seconds, extraction (time tagger + events/facts) seconds and their ratio
(target: extraction <= 0.5 x spaCy)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from filrouge.config import Settings
from filrouge.pipeline import Components
from filrouge.ingest.readers import Reader
from filrouge.models import Problem

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    folders = [Path(a) for a in sys.argv[1:]] or [p for p in (ROOT.parent / "shared" / "seeds", ROOT / "examples") if p.exists()][:1]
    comp = Components(Settings())
    raws = [r for r in Reader()(folders) if not isinstance(r, Problem)]
    docs = [d for d in comp.cleaner(raws) if not isinstance(d, Problem)]
    docs = docs * max(1, 40 // max(1, len(docs)))
    t0 = time.perf_counter()
    parsed = list(comp.parser(docs))
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = sum(len(comp.extract(p)) for p in parsed)
    t_ext = time.perf_counter() - t0
    words = sum(d.word_count for d in docs)
    print(f"articles {len(docs)}  words {words}  facts {n}")
    print(f"spaCy parse {t_parse:.2f} s  extraction {t_ext:.2f} s  ratio {t_ext / t_parse:.2f} (target <= 0.50)")


if __name__ == "__main__":
    main()
