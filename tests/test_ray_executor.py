"""--executor ray: the same stages as Ray Data tasks give the store the local executor gives;
without ray installed, one clear line and exit code 2."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from filrouge.cli import app
from filrouge.config import Settings
from filrouge.ingest.manifest import load_manifest
from filrouge.executors import InProcessExecutor
from filrouge.pipeline import IngestRun, StoredAnalysis, Worker, chunks
from filrouge.store.repository import Store

from conftest import ROOT
from test_workers import snapshot

EXAMPLES = ROOT / "examples"


def test_missing_ray_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    res = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "x.db"), "--executor", "ray"])
    assert res.exit_code == 2
    assert "ray is not installed: pip install 'filrouge[ray]'" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'filrouge[ray]')")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_gives_the_store_of_the_local_executor(tmp_path, components, local_ray):
    from filrouge.executors import RayExecutor

    man = load_manifest(EXAMPLES / "manifest.csv")
    local_url, ray_url = f"sqlite:///{tmp_path / 'local.db'}", f"sqlite:///{tmp_path / 'ray.db'}"
    IngestRun(Settings(db_url=local_url), Store(local_url), components, man).run([EXAMPLES])
    # small batches so that both actors work
    settings = Settings(db_url=ray_url, batch_size=3)
    ex = RayExecutor(settings, workers=2)
    rep = IngestRun(settings, Store(ray_url), None, man, executor=ex).run([EXAMPLES])
    ex.close()
    assert rep.stored == 12 and not rep.problems and len(rep.worker_peak_rss_mb) == 2
    one, other = snapshot(local_url), snapshot(ray_url)
    for key in ("documents", "facts", "votes", "name_votes"):
        assert one[key] == other[key], key
    # the settle pass's stage (whether a run needs it depends on the order batches come back
    # in): on an actor pool (local_refresh=0) and read in the driver (local_refresh=4 for
    # these 4 batches; by default passes of up to two), the same records as in this process
    store = Store(ray_url)
    todo = [StoredAnalysis(*row) for row in store.analyses()]
    final = store.name_votes()
    want = list(InProcessExecutor(Worker(settings)).refresh(chunks(todo, 3), {}, final))
    assert sum(len(c) for c in want) == 12
    on_actors = RayExecutor(settings, workers=2, local_refresh=0)
    assert list(on_actors.refresh(chunks(todo, 3), {}, final)) == want and on_actors._local is None
    here = RayExecutor(settings, workers=2, local_refresh=4)
    assert list(here.refresh(chunks(todo, 3), {}, final)) == want and here._local is not None
    # a re-run over the same files stores nothing and reads nothing again
    ex = RayExecutor(settings, workers=2)
    again = IngestRun(settings, Store(ray_url), None, man, executor=ex).run([EXAMPLES])
    ex.close()
    assert again.stored == 0 and again.unchanged == 12 and again.reextracted == 0


@pytest.mark.slow
def test_an_actors_calls_run_on_its_main_thread(local_ray):
    # Ray Data runs an actor's calls on a thread of its own unless told otherwise; there glibc
    # serves the batch's allocations from another arena than the one runtime.py tunes (a
    # batch took 11 % more CPU than in a local worker)
    from filrouge.executors import RayExecutor

    class Probe:  # defined here: Ray pickles it by value
        def __call__(self, table):
            import pickle
            import threading

            import pyarrow as pa

            main = pickle.dumps(threading.current_thread() is threading.main_thread())
            return pa.table({"i": table.column("i"), "out": pa.array([main] * table.num_rows, pa.binary())})

    ex = RayExecutor(Settings(), workers=2)
    assert list(ex._map(["a", "b", "c"], Probe, {})) == [True, True, True]
