"""Several writers on one store, readers during an ingest, and crashes mid-run.

* two ``filrouge ingest`` processes at once, with overlapping inputs, into PostgreSQL and into
  SQLite: the store equals one sequential ingest of the union (each article, its facts, its
  sentences once; duplicates linked once, to the earliest copy; name votes settled);
* ``kill -9`` of the ingester after its first batch committed, and ``pg_ctl stop -m
  immediate`` under it: a rerun gives the same store as an uninterrupted run;
* ``filrouge serve`` answers 4 concurrent readers during an ingest: no 5xx, never an article
  without its sentences;
* a writer that cannot get SQLite's lock stops with one line naming the store.

The corpus is invented here (French-like texts about made-up companies and people).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from typer.testing import CliRunner

from filrouge.config import Settings
from filrouge.errors import StoreError
from filrouge.extract.mentions import decide
from filrouge.pipeline import IngestRun
from filrouge.store import repository
from filrouge.store.repository import Store

from conftest import ROOT

pytestmark = pytest.mark.slow

BATCH = 3  # small batches: many commits, so the two writers interleave

# ---- an invented corpus ------------------------------------------------------------------
FIRST = ["Jeanne", "Paul", "Claire", "Hugo", "Lucie", "Marc", "Sophie", "Denis", "Agathe", "Yves", "Nadia", "Rémi"]
LAST = ["Castelrac", "Ferrandou", "Delaunoy", "Vasseur", "Marsan", "Tornay", "Besombes", "Quillard", "Morvan",
        "Lestrade", "Aubrac", "Pellegrin"]
ORGS = ["Valmorin", "Brastel", "Cordeline", "Orvalis", "Tessane", "Garonnex", "Miravel", "Soltière", "Ambrelle"]
ROLES = ["directeur général", "président du conseil d'administration", "directeur financier", "directeur technique"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre", "octobre", "novembre"]
FILL = ["Les analystes saluent une transition préparée de longue date",
        "Le groupe confirme ses objectifs de croissance pour les trois prochaines années",
        "Les syndicats attendent des précisions sur la stratégie industrielle",
        "La direction prévoit une réunion avec les salariés la semaine prochaine",
        "Le chiffre d'affaires a progressé de quatre pour cent sur l'exercice",
        "Les marchés ont accueilli la nouvelle avec prudence",
        "Plusieurs administrateurs avaient réclamé un changement de cap",
        "L'usine de la vallée emploie près de mille personnes",
        "Un nouveau plan d'investissement doit être présenté à l'automne",
        "La société compte des clients dans une trentaine de pays",
        "Le titre a gagné deux pour cent dans les premiers échanges",
        "Les équipes de recherche seront regroupées sur un seul site"]


def _article(i: int, rnd: random.Random) -> dict[str, str]:
    org = ORGS[i % len(ORGS)]
    who = f"{FIRST[i % 12]} {LAST[(i * 5) % 12]}"
    before = f"{FIRST[(i + 7) % 12]} {LAST[(i * 5 + 3) % 12]}"
    role = ROLES[i % len(ROLES)]
    fill = rnd.sample(FILL, 6)
    body = (f"{org} : {who} nommé {role}\n\n"
            f"Le conseil d'administration de {org} a nommé {who} au poste de {role} le {1 + (i * 3) % 27} "
            f"{MONTHS[i % len(MONTHS)]} 2021. {who} succède à {before}, qui a démissionné après {3 + i % 9} ans "
            f"à ce poste. {fill[0]}. {fill[1]}. {fill[2]}.\n\n"
            f"« Nous avons une feuille de route claire », a déclaré {who}. {fill[3]}. {fill[4]}. {fill[5]}.")
    return {"text": body, "title": f"{org} : {who} nommé {role}", "url": f"https://presse.exemple/{i}",
            "published": f"2021-{1 + i % 10:02d}-{1 + (i * 3) % 27:02d}", "source": f"Journal {i % 3}"}


def _copy(art: dict[str, str], published: str, n: int) -> dict[str, str]:
    """A repost: the same story with a few words changed, under another date and address."""
    body = art["text"].replace("a nommé", "vient de nommer").replace("Les marchés", "Les investisseurs")
    return art | {"text": body, "published": published, "url": f"https://reprise.exemple/{n}", "source": "Reprise"}


def make_corpus(folder: Path) -> dict[str, Path]:
    """Three JSON Lines files: ``shared`` (both runs), ``one`` (first run), ``two`` (second).
    Near-copies cross the runs: the earliest copy is sometimes the one the other run stores."""
    rnd = random.Random(7)
    arts = [_article(i, rnd) for i in range(24)]
    one, shared, two = arts[:8], arts[8:16], arts[16:]
    one.append(_copy(two[2], "2020-06-01", 1))      # earlier than its original, in the other run
    two.append(_copy(one[3], "2022-01-15", 2))      # later than its original, in the other run
    shared.append(_copy(one[5], "2020-02-02", 3))   # read by both runs, earlier than one[5]
    two.append(_copy(shared[1], "2023-03-03", 4))
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, items in (("shared", shared), ("one", one), ("two", two)):
        p = folder / f"{name}.jsonl"
        p.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in items), encoding="utf-8")
        paths[name] = p
    return paths


# ---- helpers -----------------------------------------------------------------------------
def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["FILROUGE_BATCH_SIZE"] = str(BATCH)
    env.pop("FILROUGE_DB", None)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from filrouge.cli import main; main()", *args]


def _ingest_proc(db: str, paths: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen(_cli("ingest", *map(str, paths), "--db", db, "--json", "--workers", "1"), env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _ingest_here(db: str, components: Any, paths: list[Path]) -> Any:
    store = Store(db)
    try:
        return IngestRun(Settings(db_url=store.url, batch_size=BATCH), store, components).run(paths)
    finally:
        store.close()


def snapshot(db: str) -> dict[str, Any]:
    """What a store holds, comparable across dialects and runs (ids are content hashes)."""
    store = Store(db, migrate=False)
    try:
        with store.engine.connect() as conn:
            def rows(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.execute(text(sql))]

            docs = {r[0]: (r[1], r[2]) for r in rows("SELECT id, duplicate_of, similarity FROM documents")}
            seqs = [r[0] for r in rows("SELECT seq FROM documents")]
            facts: dict[str, list[tuple[Any, ...]]] = {}
            for r in rows('SELECT doc_id, sentence_idx, start, "end", type, person, org, role, date, modality, '
                          "negated FROM facts"):
                facts.setdefault(r[0], []).append(r[1:])
            votes = rows('SELECT doc_id, "key", per, org, used FROM name_votes')
            return {
                "docs": docs,
                "seq_unique": len(seqs) == len(set(seqs)),
                "origins": sorted(rows("SELECT origin, doc_id FROM origins")),
                "sentences": sorted(rows("SELECT doc_id, count(*) FROM sentences GROUP BY doc_id")),
                "sentence_rows": sorted(rows("SELECT doc_id, idx, count(*) FROM sentences GROUP BY doc_id, idx "
                                             "HAVING count(*) > 1")),
                "entities": sorted(rows("SELECT doc_id, count(*) FROM entities GROUP BY doc_id")),
                "facts": {k: sorted(v, key=repr) for k, v in facts.items()},
                "votes": sorted(votes, key=repr),
            }
    finally:
        store.close()


def unsettled(snap: dict[str, Any]) -> set[str]:
    """Articles whose facts used a name type the store-wide votes now disagree with."""
    total: dict[str, tuple[float, float]] = {}
    for _doc, key, per, org, _used in snap["votes"]:
        a, b = total.get(key, (0.0, 0.0))
        total[key] = (a + per, b + org)
    types = decide(total)
    return {doc for doc, key, _p, _o, used in snap["votes"] if types.get(key) != used}


def assert_same_store(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["seq_unique"]
    assert not got["sentence_rows"], "a sentence stored twice"
    assert set(got["docs"]) == set(want["docs"]), "articles lost or added"
    links = {d: v[0] for d, v in got["docs"].items()}
    assert links == {d: v[0] for d, v in want["docs"].items()}, "duplicate links differ"
    for d, (dup, sim) in got["docs"].items():
        if dup:
            assert got["docs"][dup][0] is None, "a copy of a copy: links not settled"
            assert sim == pytest.approx(want["docs"][d][1])
    assert got["origins"] == want["origins"]
    assert got["sentences"] == want["sentences"]
    assert got["entities"] == want["entities"]
    assert got["facts"] == want["facts"], "facts lost, duplicated or read with other name types"
    assert not unsettled(got)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def reference(corpus, components, tmp_path_factory):
    """One uninterrupted, single-writer ingest of everything."""
    db = f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}"
    rep = _ingest_here(db, components, [corpus["shared"], corpus["one"], corpus["two"]])
    assert rep.stored == 28 and not rep.problems
    snap = snapshot(db)
    assert sum(1 for dup, _s in snap["docs"].values() if dup) == 4
    return snap


def _fresh_pg(url: str) -> str:
    """A new, empty database on the test server: tests never see each other's rows."""
    import psycopg

    u = make_url(url)
    name = f"filrouge_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return u.set(database=name).render_as_string(hide_password=False)


def _count_docs(db: str) -> int:
    if db.startswith("sqlite"):
        try:
            with sqlite3.connect(f"file:{db.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=5) as c:
                return c.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            return 0
    import psycopg

    u = make_url(db)
    try:
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as c:
            return c.execute("SELECT count(*) FROM documents").fetchone()[0]
    except psycopg.Error:
        return 0


def _wait_first_batch(db: str, proc: subprocess.Popen[str], timeout: float = 60) -> int:
    """Wait until the ingester has committed its first batch (and not its last)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        n = _count_docs(db)
        if n >= BATCH:
            return n
        if proc.poll() is not None:
            pytest.fail(f"the ingester ended before its first batch: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("no batch committed in time")


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and "database is locked" not in err.lower(), err


# ---- two writers -------------------------------------------------------------------------
def _two_writers(db: str, corpus: dict[str, Path]) -> list[dict[str, Any]]:
    # a new store: the two runs open (and migrate) it at the same moment
    a = _ingest_proc(db, [corpus["shared"], corpus["one"]])
    b = _ingest_proc(db, [corpus["shared"], corpus["two"]])
    reports = []
    for proc in (a, b):
        out, err = proc.communicate(timeout=180)
        _no_traceback(err)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    return reports


@pytest.mark.postgres
def test_postgres_two_writers_overlapping_inputs(postgres_url, corpus, reference):
    db = _fresh_pg(postgres_url)
    reports = _two_writers(db, corpus)
    assert sum(r["stored"] for r in reports) >= 28
    assert_same_store(snapshot(db), reference)


def test_sqlite_two_writers_take_turns(tmp_path, corpus, reference):
    db = f"sqlite:///{tmp_path / 'two.db'}"
    _two_writers(db, corpus)
    with sqlite3.connect(tmp_path / "two.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert_same_store(snapshot(db), reference)


@pytest.mark.postgres
def test_postgres_new_store_migrated_once_by_racing_opens(postgres_url):
    db = _fresh_pg(postgres_url)
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            Store(db).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Store(db).version() == repository.SCHEMA_VERSION


def test_sqlite_busy_store_is_one_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "busy.db"
    Store(f"sqlite:///{path}").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer in the middle of a long transaction
    try:
        store = Store(f"sqlite:///{path}", busy_timeout=0.2)
        with pytest.raises(StoreError, match=r"busy.db is busy: another filrouge run"):
            store.add_origins([("x" * 64, "somewhere")])
        assert store.count() == 0  # readers are never blocked (WAL)
        monkeypatch.setattr(repository, "BUSY_TIMEOUT_S", 0.2)
        from filrouge.cli import app

        holder2 = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
        holder2.execute("BEGIN IMMEDIATE")
        res = CliRunner().invoke(app, ["docs", "--db", str(tmp_path / "new.db")])
        holder2.rollback()
        assert res.exit_code == 2 and "new.db is busy" in res.stderr and "Traceback" not in res.output
        assert len(res.stderr.strip().splitlines()) == 1
    finally:
        holder.rollback()


# ---- crashes -----------------------------------------------------------------------------
def _kill_after_first_batch(db: str, corpus: dict[str, Path]) -> int:
    proc = _ingest_proc(db, [corpus["shared"], corpus["one"], corpus["two"]])
    n = _wait_first_batch(db, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return n


def test_sqlite_kill_9_then_rerun(tmp_path, corpus, reference, components):
    db = f"sqlite:///{tmp_path / 'kill.db'}"
    n = _kill_after_first_batch(db, corpus)
    assert BATCH <= _count_docs(db) < 28, n
    with sqlite3.connect(tmp_path / "kill.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rep = _ingest_here(db, components, [corpus["shared"], corpus["one"], corpus["two"]])
    assert rep.unchanged >= BATCH and not rep.problems
    assert_same_store(snapshot(db), reference)


def _pg_ctl(postgres_url: str) -> tuple[list[str], Path, Path]:
    """pg_ctl of the test server (started by conftest), its data folder and a log file."""
    if os.environ.get("FILROUGE_TEST_PG_URL"):
        pytest.skip("the server of FILROUGE_TEST_PG_URL is not ours to stop")
    store = Store(postgres_url, migrate=False)
    with store.engine.connect() as conn:
        data = Path(conn.execute(text("SHOW data_directory")).scalar_one())
        major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    store.close()
    pg_ctl = Path(f"/usr/lib/postgresql/{major}/bin/pg_ctl")
    if not pg_ctl.exists():
        pytest.skip(f"{pg_ctl} is absent")
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return [*prefix, str(pg_ctl), "-D", str(data)], data, data.parent / "restart.log"


@pytest.mark.postgres
def test_postgres_kill_9_and_immediate_stop_then_rerun(postgres_url, corpus, reference, components):
    """Two writers: one is killed (-9) after the first batch commits, then the server stops
    (-m immediate) under the other, which ends with one line; a rerun completes the store."""
    db = _fresh_pg(postgres_url)
    pg_ctl, _data, log = _pg_ctl(postgres_url)
    Store(db).close()
    killed = _ingest_proc(db, [corpus["one"], corpus["shared"], corpus["two"]])
    other = _ingest_proc(db, [corpus["two"], corpus["shared"], corpus["one"]])
    _wait_first_batch(db, killed)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    try:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], check=True, capture_output=True, timeout=60)
        out, err = other.communicate(timeout=120)
    finally:
        subprocess.run([*pg_ctl, "-w", "-l", str(log), "restart"], capture_output=True, timeout=120)
    _no_traceback(err)
    if other.returncode == 0:  # it had finished before the server stopped: still a valid run
        assert json.loads(out)["stored"] >= 1
    else:
        assert other.returncode == 2, (out, err)
        line = err.strip().splitlines()[-1]
        assert line.startswith("error: lost the connection to store postgresql"), err
        assert "run the same command again" in line
    for _ in range(100):  # the server is back after crash recovery
        if _count_docs(db) >= BATCH:
            break
        time.sleep(0.1)
    assert BATCH <= _count_docs(db) <= 28
    rep = _ingest_here(db, components, [corpus["shared"], corpus["one"], corpus["two"]])
    assert rep.unchanged >= BATCH and not rep.problems
    assert_same_store(snapshot(db), reference)


# ---- readers during an ingest ------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen(_cli("serve", "--db", db, "--port", str(port)), env=_env(), text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(300):
        try:
            if httpx.get(base + "/api/articles?limit=1", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            pytest.fail(f"filrouge serve did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("filrouge serve did not answer")


def readers_during(base: str, work: Any, n: int = 4) -> dict[str, Any]:
    """Run ``work()`` while ``n`` threads read the app; returns what they saw."""
    import httpx

    stop = threading.Event()
    seen: dict[str, Any] = {"requests": 0, "bad": [], "latencies": [], "half": []}
    lock = threading.Lock()

    def reader(k: int) -> None:
        urls = ["/api/articles?limit=1000", "/api/search?q=conseil", "/api/story", "/api/timeline?limit=50",
                "/api/conflicts"]
        with httpx.Client(base_url=base, timeout=60) as client:
            i = k
            while not stop.is_set() or i < k + len(urls):
                url = urls[i % len(urls)]
                i += 1
                t0 = time.perf_counter()
                r = client.get(url)
                dt = time.perf_counter() - t0
                ids: list[str] = []
                if r.status_code == 200 and url.startswith("/api/articles"):
                    arts = r.json()["articles"]
                    ids = [a["id"] for a in arts] + [c["id"] for a in arts for c in a.get("copies", [])]
                elif r.status_code == 200 and url.startswith("/api/search"):
                    ids = [h["doc"] for h in r.json()["hits"]]
                for doc_id in ids[:5]:
                    a = client.get(f"/api/articles/{doc_id}")
                    with lock:
                        seen["requests"] += 1
                        if a.status_code != 200:
                            seen["bad"].append((a.status_code, doc_id))
                with lock:
                    seen["requests"] += 1
                    seen["latencies"].append(dt)
                    if r.status_code != 200:
                        seen["bad"].append((r.status_code, url, r.text[:200]))

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    try:
        work()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    return seen


def _whole_articles(db: str) -> list[str]:
    """Articles visible without their sentences or their facts (never, a batch is one transaction)."""
    store = Store(db, migrate=False)
    try:
        with store.engine.connect() as conn:
            return [r[0] for r in conn.execute(text(
                "SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.doc_id = d.id) "
                "OR NOT EXISTS (SELECT 1 FROM facts f WHERE f.doc_id = d.id)"))]
    finally:
        store.close()


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_serve_four_readers_during_ingest(dialect, request, tmp_path, corpus, components):
    db = (f"sqlite:///{tmp_path / 'serve.db'}" if dialect == "sqlite"
          else _fresh_pg(request.getfixturevalue("postgres_url")))
    Store(db).close()
    server, base = _serve(db)
    half: list[str] = []

    def watch_and_ingest() -> None:
        done = threading.Event()

        def watcher() -> None:
            while not done.is_set():
                half.extend(_whole_articles(db))
                time.sleep(0.05)

        w = threading.Thread(target=watcher)
        w.start()
        try:
            _ingest_here(db, components, [corpus["shared"], corpus["one"], corpus["two"]])
        finally:
            done.set()
            w.join()

    try:
        seen = readers_during(base, watch_and_ingest)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert seen["requests"] >= 20
    assert not seen["bad"], seen["bad"][:5]
    assert not half, "an article was visible without its sentences or facts"
