"""Ingest on every core: 1 local worker vs 2 local workers vs Ray with 2 CPUs.

Builds corpora of perturbed copies of ../shared/seeds (bench/ingest_throughput.py's
build_corpus) at two sizes; for each size and mode, runs one ingest into a new SQLite store
in a fresh subprocess and reports wall time (model loading in the workers included; starting
Ray itself not), articles/s, the ratio to one worker, and the peak RSS of each worker process
(targets: 2 workers >= 1.7x one, Ray 2 CPUs >= 1.6x one, peak per worker <= 1.5 GB and flat).
Also checks that the stores hold the same facts.

    python bench/workers.py [--sizes 60 180] [--modes local1 local2 ray2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest_throughput import build_corpus


def worker(mode: str, corpus: Path, db: Path) -> None:
    """Runs in a subprocess; prints one JSON line."""
    from filrouge.config import Settings
    from filrouge.executors import InProcessExecutor, ProcessExecutor, RayExecutor
    from filrouge.pipeline import Components, IngestRun, Worker
    from filrouge.store.repository import Store

    settings = Settings(db_url=f"sqlite:///{db}")
    ray_start = 0.0
    if mode.startswith("ray"):
        import ray

        t = time.perf_counter()
        ray.init(num_cpus=int(mode[3:]), include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - t
    t0 = time.perf_counter()
    if mode == "local1":
        ex = InProcessExecutor(Worker(settings, Components(settings)))
    elif mode.startswith("local"):
        ex = ProcessExecutor(settings, int(mode[5:]))
    else:
        ex = RayExecutor(settings, workers=int(mode[3:]))
    store = Store(settings.db_url)
    rep = IngestRun(settings, store, None, executor=ex).run([corpus])
    dt = time.perf_counter() - t0
    ex.close()
    facts = sorted(json.dumps([f["doc_id"], f["type"], f["start"], f["person"], f["org"], f["role"], f["date"]])
                   for f in store.facts())
    print(json.dumps({"docs": rep.stored, "words": rep.words, "seconds": dt, "ray_start": ray_start,
                      "reextracted": rep.reextracted, "peaks": rep.worker_peak_rss_mb,
                      "facts_hash": hashlib.sha256("\n".join(facts).encode()).hexdigest()[:12], "problems": len(rep.problems)}))


def run_worker(mode: str, corpus: Path, db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", mode, str(corpus), str(db)],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[60, 180])
    ap.add_argument("--modes", nargs="+", default=["local1", "local2", "ray2"])
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    peaks: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            corpus = Path(tmp) / f"corpus{n}"
            build_corpus(n, corpus)
            res = {m: run_worker(m, corpus, Path(tmp) / f"{m}-{n}.db") for m in args.modes}
            base = res.get("local1")
            print(f"\n== {n} articles, {next(iter(res.values()))['words']} words ==")
            for m, r in res.items():
                ratio = f"{base['seconds'] / r['seconds']:.2f}x one worker" if base else ""
                per = ", ".join(f"{v:.0f}" for v in sorted(r["peaks"].values()))
                extra = f" (ray.init {r['ray_start']:.1f} s not counted)" if r["ray_start"] else ""
                print(f"{m:<7}: {r['seconds']:6.1f} s  {r['docs'] / r['seconds']:5.2f} articles/s  {ratio:<16} "
                      f"re-read by settle {r['reextracted']:3d}  peak RSS per worker MB [{per}]{extra}")
                peaks.setdefault(m, {})[n] = max(r["peaks"].values(), default=0.0)
            same = len({r["facts_hash"] for r in res.values()}) == 1
            print(f"same facts in every store: {same}")
    if len(args.sizes) >= 2:
        lo, hi = min(args.sizes), max(args.sizes)
        for m, p in peaks.items():
            print(f"peak per worker {m}: {p[lo]:.0f} MB at {lo} -> {p[hi]:.0f} MB at {hi} articles "
                  f"({p[hi] / p[lo]:.2f}x; target <= 1.5 GB and flat)")


if __name__ == "__main__":
    main()
