"""Ingest throughput and memory, beside spaCy alone on the same texts, in the same run.

Builds a corpus of perturbed copies of ../shared/seeds (each copy gets its own numbers and
a shuffled paragraph order, so every copy is a new document), then for each corpus size
runs, in a fresh subprocess (so peak memory is that run's own):
  * spaCy `fr_core_news_md` `nlp.pipe` alone over the clean bodies (the baseline),
  * the full filrouge ingest into a new SQLite store, timed per stage.
Prints articles/s and words/s per stage and end to end, the ratio to spaCy alone (target
>= 0.75) and peak RSS per size (target: 10x the articles needs <= 1.2x the memory).

    python bench/ingest_throughput.py [--sizes 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import shared


def build_corpus(n: int, out: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    seeds = sorted(shared("seeds").glob("0*.txt"))
    texts = [p.read_text("utf-8") for p in seeds]
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        t = texts[i % len(texts)]
        blocks = t.split("\n\n")
        head, rest = blocks[:3], blocks[3:]
        rng.shuffle(rest)
        t = "\n\n".join(head + rest)
        t = re.sub(r"\b(\d{2,3})\b", lambda m: str(int(m.group(1)) + rng.randint(1, 9)), t)
        t += f"\n\nCopie {i} générée pour le banc d'essai, numéro {rng.randint(0, 10**9)}.\n"
        (out / f"{i:06d}.txt").write_text(t, "utf-8")


def worker(mode: str, corpus: Path, db: Path) -> None:
    """Runs in a subprocess; prints one JSON line."""
    from filrouge.config import Settings
    from filrouge.pipeline import Components, IngestRun
    from filrouge.store.repository import Store

    settings = Settings(db_url=f"sqlite:///{db}")
    comps = Components(settings)
    files = sorted(corpus.glob("*.txt"))
    if mode == "spacy":
        # the baseline: spaCy alone over the same clean bodies, same spaCy batch size
        from filrouge.ingest.readers import Reader

        bodies = [comps.cleaner.clean(r).body for r in Reader()(files)]
        words = sum(len(b.split()) for b in bodies)
        t0 = time.perf_counter()
        for _ in comps.parser.nlp.pipe(bodies, batch_size=settings.parse_batch_size):
            pass
        dt = time.perf_counter() - t0
        res = {"docs": len(bodies), "words": words, "seconds": dt}
    else:
        store = Store(settings.db_url)
        timings = {"read+clean": 0.0, "parse": 0.0, "dedup+store": 0.0}
        # time stages by wrapping the components
        cleaner_call = comps.cleaner.__class__.__call__
        parser = comps.parser

        def timed_clean(self, docs):
            it = cleaner_call(self, docs)
            while True:
                t = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    timings["read+clean"] += time.perf_counter() - t
                    return
                timings["read+clean"] += time.perf_counter() - t
                yield item

        class TimedParser:
            lexicon = parser.lexicon

            def __call__(self, batch):
                t = time.perf_counter()
                out = list(parser(batch))
                timings["parse"] += time.perf_counter() - t
                return out

        comps.cleaner.__class__.__call__ = timed_clean
        comps.parser = TimedParser()  # type: ignore[assignment]
        run = IngestRun(settings, store, comps)
        t0 = time.perf_counter()
        report = run.run([corpus])
        dt = time.perf_counter() - t0
        timings["dedup+store"] = dt - timings["read+clean"] - timings["parse"]
        res = {"docs": report.stored, "words": report.words, "seconds": dt, "stages": timings,
               "problems": len(report.problems)}
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def run_worker(mode: str, corpus: Path, db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", mode, str(corpus), str(db)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=1, help="runs of each (alternated); the fastest of each is shown")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            corpus = Path(tmp) / f"corpus{n}"
            build_corpus(n, corpus)
            # best of --repeat runs of each, alternated (the machine's noise is a few percent)
            base = ours = None
            for r in range(args.repeat):
                b = run_worker("spacy", corpus, Path(tmp) / f"b{n}_{r}.db")
                o = run_worker("ingest", corpus, Path(tmp) / f"s{n}_{r}.db")
                base = b if base is None or b["seconds"] < base["seconds"] else base
                ours = o if ours is None or o["seconds"] < ours["seconds"] else ours
            assert base is not None and ours is not None
            peaks[n] = ours["peak_rss_mb"]
            print(f"\n== {n} articles, {ours['words']} words ==")
            print(f"spaCy nlp.pipe alone : {base['docs'] / base['seconds']:8.1f} articles/s "
                  f"{base['words'] / base['seconds']:9.0f} words/s  peak {base['peak_rss_mb']:.0f} MB")
            for stage, sec in ours["stages"].items():
                print(f"  stage {stage:<14}: {sec:7.1f} s  {ours['docs'] / sec if sec else 0:8.1f} articles/s "
                      f"{ours['words'] / sec if sec else 0:9.0f} words/s")
            print(f"filrouge ingest (all): {ours['docs'] / ours['seconds']:8.1f} articles/s "
                  f"{ours['words'] / ours['seconds']:9.0f} words/s  peak {ours['peak_rss_mb']:.0f} MB")
            print(f"ratio ingest/spaCy-alone throughput (words/s): "
                  f"{(ours['words'] / ours['seconds']) / (base['words'] / base['seconds']):.2f}  (target >= 0.75)")
    if len(peaks) >= 2:
        lo, hi = min(peaks), max(peaks)
        print(f"\npeak memory {hi} vs {lo} articles: {peaks[hi]:.0f} / {peaks[lo]:.0f} MB = "
              f"{peaks[hi] / peaks[lo]:.2f}x  (target <= 1.2x for {hi // lo}x the articles)")


if __name__ == "__main__":
    main()
