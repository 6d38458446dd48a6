"""How much text selective parsing could leave to the cheap pass (issue 10, item 1).

Selective parsing runs the full tagger/parser/recogniser only on sentences where a fact can
be, found by a cheap pass over tokenizer output and the lexicon; this script measures, before
building it, the share of words in such sentences. A sentence is a candidate when it has a
trigger word (its form, or its lemma in spaCy's lookup table, or an inflection of a trigger
verb's stem), a role noun, an age, a quote mark, and, with --numbers-and-dates, a digit or a
time expression (these are read by patterns, not by the parser); with --context the sentence
before a candidate is parsed too (pronouns and subjects carried over). The full pipeline's
costs are measured in the same run: the savings bound follows from both.

    python bench/selective_share.py [FOLDER ...] [--numbers-and-dates] [--context]

(default folders: ../shared/seeds and every story of ../shared/eval/dev)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from _common import shared


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--numbers-and-dates", action="store_true", help="a digit or a time expression makes a candidate")
    ap.add_argument("--context", action="store_true", help="also parse the sentence before each candidate")
    args = ap.parse_args()
    if args.folders:
        files = [f for d in args.folders for f in sorted(d.glob("*.txt"))]
    else:
        files = sorted(shared("seeds").glob("0*.txt")) + sorted(shared("eval", "dev").glob("*/[0-9]*.txt"))
    if not files:
        print("no .txt file found", file=sys.stderr)
        return 2

    from spacy.pipeline import Sentencizer

    from filrouge.extract.lexicon import load_lexicon, norm
    from filrouge.nlp.parser import load_model, mark_paragraphs
    from filrouge.temporal.tagger import TimeTagger

    nlp = load_model("fr_core_news_md")
    lex = load_lexicon("fr")
    tagger = TimeTagger()
    lookup = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    cues = set(lex.trigger_lemmas) | lex.succession_verbs | lex.speech | lex.staff | lex.headcount_verbs \
        | lex.headcount_nouns | lex.stake_verbs | lex.stake_nouns | lex.birthday
    for phrase in lex.phrase_types:
        cues.update(w for w in phrase.split() if len(w) >= 4)
    stems = tuple(sorted({w[:-2] for w in cues if w.endswith(("er", "ir", "re")) and len(w) >= 7}))
    sentencizer = Sentencizer()
    texts = [f.read_text("utf-8", errors="replace") for f in files]

    total = candidate = 0
    for text in texts:
        with nlp.select_pipes(disable=nlp.pipe_names):
            doc = mark_paragraphs(sentencizer(nlp(text)))
        times = [(a, b) for a, b, _n, _m in tagger._find_spans(text)] if args.numbers_and_dates else []
        sents = list(doc.sents)
        flags = []
        for s in sents:
            low = norm(s.text)
            hit = bool(re.search(r"[«»“”\"]", s.text) or lex.role_re.search(low) or lex.age_re.search(low))
            if args.numbers_and_dates and not hit:
                hit = bool(re.search(r"\d", s.text)) or any(a < s.end_char and s.start_char < b for a, b in times)
            if not hit:
                hit = any(t.lower_ in cues or t.lower_.startswith(stems)
                          or any(x in cues for x in (lookup.get(t.lower_) or ())) for t in s)
            flags.append(hit)
        need = [f or (args.context and i + 1 < len(flags) and flags[i + 1]) for i, f in enumerate(flags)]
        for s, n in zip(sents, need, strict=True):
            w = len(s.text.split())
            total += w
            candidate += w if n else 0

    # what the full pipeline costs, and what its parts cost, on the same texts
    def timed(disable: list[str]) -> float:
        t = time.perf_counter()
        with nlp.select_pipes(disable=disable):
            for _ in nlp.pipe(texts, batch_size=32):
                pass
        return time.perf_counter() - t

    timed(["parser"])  # warm up
    full = timed([])
    ner = timed([p for p in nlp.pipe_names if p != "ner"])
    share = candidate / total
    print(f"{len(files)} texts, {total} words; in candidate sentences: {candidate} ({share:.2f})")
    print(f"full pipeline {full:.1f} s; the recogniser alone {ner / full:.2f} of it")
    print(f"bound on the parse stage with selective parsing: recogniser everywhere + the rest on candidates "
          f"= {(ner + (full - ner) * share) / full:.2f} of the full pipeline; nothing but candidates = {share:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
