"""Writers and readers on one store at once (issue 10, item 4).

`filrouge serve` answers 4 reader threads while W writer processes fill the store with
overlapping inputs; prints the readers' non-2xx count and latency percentiles, what the
writers stored, and checks the store afterwards (each article once, its sentences and facts
once, sequence numbers unique; an article never seen without its sentences and facts).

Writers, by --mode:
  store   (default) synthetic parsed articles (bench/views_10k.py's, no spaCy) written with
          Store.write_batch in batches of 32: the store under load, 10,000 articles in seconds;
  ingest  real `filrouge ingest` processes on a generated corpus of invented articles
          (about 2 articles/s per process on this machine: use a few hundred).

    python bench/store_concurrency.py [--articles 10000] [--writers 2] [--readers 4]
                                      [--db URL] [--mode store|ingest] [--json]

Writer k of W takes a window of the inputs that overlaps the next one's by half, so every
article in an overlap is offered by two writers at once.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT  # noqa: E402

BATCH = 32
URLS = ["/api/articles?limit=200", "/api/search?q=conseil", "/api/story", "/api/timeline?limit=100",
        "/api/articles/{id}"]


def windows(n: int, writers: int) -> list[tuple[int, int]]:
    """Writer k's slice of the inputs: consecutive windows overlapping by half."""
    step = n / (writers + 1)
    return [(round(k * step), round((k + 2) * step)) for k in range(writers)]


def _store_writer(url: str, lo: int, hi: int, n: int, out: Any) -> None:
    from views_10k import synth

    from filrouge.store.repository import Store

    docs = synth(n)[lo:hi]
    store = Store(url)
    t0, added = time.perf_counter(), 0
    for i in range(0, len(docs), BATCH):
        added += len(store.write_batch(docs[i:i + BATCH], {}))
    out.put({"offered": len(docs), "stored": added, "seconds": round(time.perf_counter() - t0, 2)})


def _corpus(folder: Path, n: int) -> list[Path]:
    sys.path.insert(0, str(ROOT / "tests"))
    import random

    from test_store_concurrency import _article

    rnd = random.Random(3)
    files = []
    for k in range(0, n, 10):  # ten articles a file
        p = folder / f"part-{k // 10:05d}.jsonl"
        p.write_text("".join(json.dumps(_article(i, rnd), ensure_ascii=False) + "\n" for i in range(k, min(n, k + 10))),
                     encoding="utf-8")
        files.append(p)
    return files


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from filrouge.cli import main; main()", *args]


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    v = sorted(values)

    def q(p: float) -> float:
        return round(v[min(len(v) - 1, int(p * len(v)))] * 1000, 1)

    return {"p50_ms": q(0.5), "p95_ms": q(0.95), "p99_ms": q(0.99), "max_ms": round(v[-1] * 1000, 1)}


class Readers:
    def __init__(self, base: str, n: int) -> None:
        import httpx

        self.base, self.n, self.httpx = base, n, httpx
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.lat: dict[str, list[float]] = {u.split("?")[0]: [] for u in URLS}
        self.status: dict[int, int] = {}
        self.bad: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(k,)) for k in range(n)]

    def _run(self, k: int) -> None:
        ids: list[str] = []
        with self.httpx.Client(base_url=self.base, timeout=120) as client:
            i = k
            while not self.stop.is_set():
                url = URLS[i % len(URLS)]
                i += 1
                if "{id}" in url:
                    if not ids:
                        continue
                    url = url.format(id=ids[i % len(ids)])
                t0 = time.perf_counter()
                try:
                    r = client.get(url)
                    code = r.status_code
                except self.httpx.HTTPError as exc:
                    code, r = 0, None
                    with self.lock:
                        self.bad.append(f"{url}: {exc!r}")
                dt = time.perf_counter() - t0
                if r is not None and code == 200 and url.startswith("/api/articles?"):
                    ids = [a["id"] for a in r.json()["articles"]][:50] or ids
                key = "/api/articles/{id}" if url.startswith("/api/articles/") else url.split("?")[0]
                with self.lock:
                    self.lat[key].append(dt)
                    self.status[code] = self.status.get(code, 0) + 1
                    if code and not 200 <= code < 300:
                        self.bad.append(f"{url}: {code} {r.text[:120] if r is not None else ''}")

    def __enter__(self) -> Readers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def half_written(url: str) -> int:
    """Articles visible without their sentences or their facts at this instant."""
    from sqlalchemy import text

    from filrouge.store.repository import Store

    store = Store(url, migrate=False)
    try:
        with store.engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.doc_id = d.id) "
                "OR NOT EXISTS (SELECT 1 FROM facts f WHERE f.doc_id = d.id)")).scalar_one()
    finally:
        store.close()


def check(url: str) -> dict[str, Any]:
    from sqlalchemy import text

    from filrouge.store.repository import Store

    store = Store(url, migrate=False)
    try:
        with store.engine.connect() as conn:
            one = lambda sql: conn.execute(text(sql)).scalar_one()  # noqa: E731
            return {
                "documents": one("SELECT count(*) FROM documents"),
                "distinct_seq": one("SELECT count(DISTINCT seq) FROM documents"),
                "sentences_twice": one("SELECT count(*) FROM (SELECT doc_id, idx FROM sentences GROUP BY doc_id, idx "
                                       "HAVING count(*) > 1) x"),
                "facts": one("SELECT count(*) FROM facts"),
                "docs_with_facts": one("SELECT count(DISTINCT doc_id) FROM facts"),
                "origins": one("SELECT count(*) FROM origins"),
            }
    finally:
        store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--db", help="store URL (default: a new SQLite file in a temporary folder)")
    ap.add_argument("--mode", choices=["store", "ingest"], default="store")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from filrouge.store.repository import Store

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        Store(url).close()
        port = _free_port()
        server = subprocess.Popen(_cli("serve", "--db", url, "--port", str(port)), env=_env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(600):
            try:
                httpx.get(base + "/api/articles?limit=1", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        spans = windows(args.articles, args.writers)
        half, writers_out = 0, []
        try:
            with Readers(base, args.readers) as readers:
                t0 = time.perf_counter()
                if args.mode == "store":
                    ctx = mp.get_context("spawn")
                    q = ctx.Queue()
                    procs = [ctx.Process(target=_store_writer, args=(url, lo, hi, args.articles, q)) for lo, hi in spans]
                    for p in procs:
                        p.start()
                    while any(p.is_alive() for p in procs):
                        half = max(half, half_written(url))
                        time.sleep(0.2)
                    writers_out = [q.get() for _ in procs]
                else:
                    files = _corpus(Path(tmp), args.articles)
                    per = [files[round(lo / 10):round(hi / 10)] for lo, hi in spans]
                    procs2 = [subprocess.Popen(_cli("ingest", *map(str, fs), "--db", url, "--json"), env=_env(),
                                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                              for fs in per]
                    while any(p.poll() is None for p in procs2):
                        half = max(half, half_written(url))
                        time.sleep(0.5)
                    for p in procs2:
                        out, err = p.communicate()
                        rep = json.loads(out) if p.returncode == 0 else {}
                        writers_out.append({"rc": p.returncode, "stored": rep.get("stored"),
                                            "unchanged": rep.get("unchanged"), "stderr": err.strip()[-300:]})
                wall = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait()
        result = {
            "mode": args.mode, "dialect": url.split(":", 1)[0], "articles": args.articles,
            "writers": writers_out, "wall_s": round(wall, 1),
            "stored_per_s": round(check(url)["documents"] / wall, 1),
            "readers": args.readers, "requests": sum(readers.status.values()),
            "non_2xx": sum(n for c, n in readers.status.items() if not 200 <= c < 300),
            "status": readers.status, "first_errors": readers.bad[:5],
            "latency": {k: percentiles(v) | {"n": len(v)} for k, v in readers.lat.items()},
            "half_written_seen": half, "store": check(url),
        }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{args.writers} writers ({args.mode}) and {args.readers} readers on {result['dialect']}, "
          f"{args.articles} articles offered in overlapping windows {spans}")
    for k, w in enumerate(writers_out):
        print(f"  writer {k}: {w}")
    print(f"  stored {result['store']['documents']} articles in {result['wall_s']} s ({result['stored_per_s']}/s); "
          f"store check: {result['store']}")
    print(f"  readers: {result['requests']} requests, non-2xx: {result['non_2xx']} {result['first_errors']}; "
          f"half-written articles seen: {half}")
    for k, v in result["latency"].items():
        print(f"    {k:24s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
