"""Mojibake repair on ftfy's own test cases (../shared/benchmarks/ftfy_cases), per file.

A case passes when the repaired text equals `fixed-encoding` (or `fixed`, or for negative
cases the original). French vocabulary judges the code-page repairs, so non-French cases
are mostly left to ftfy.

    python bench/ftfy_cases.py
"""

from __future__ import annotations

import json

from _common import shared


def main() -> None:
    import ftfy

    from filrouge.clean.cleaner import spacy_lexicon
    from filrouge.clean.encoding import MojibakeRepairer

    repairer = MojibakeRepairer(spacy_lexicon("fr_core_news_md"))
    root = shared("benchmarks", "ftfy_cases")
    for name in ("in-the-wild", "synthetic", "negative", "language-names", "known-failures"):
        cases = json.loads((root / f"{name}.json").read_text("utf-8"))
        ok = base = 0
        for c in cases:
            fixed, _ = repairer.repair(c["original"])
            targets = {c.get("fixed-encoding", c["fixed"]), c["fixed"]}
            if name == "negative":
                targets.add(c["original"])
            ok += fixed in targets
            base += ftfy.fix_text(c["original"]) in targets
        print(f"{name:>15}: filrouge {ok}/{len(cases)} = {ok / len(cases):.3f}   "
              f"ftfy.fix_text alone {base}/{len(cases)} = {base / len(cases):.3f}")


if __name__ == "__main__":
    main()
