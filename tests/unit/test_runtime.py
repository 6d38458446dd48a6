"""Process settings for batch runs (filrouge.runtime)."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap


def test_tuning_leaves_the_models_to_reference_counting_and_still_collects_cycles() -> None:
    # in a fresh interpreter: the settings are process-wide
    code = textwrap.dedent("""
        import gc
        from filrouge.runtime import tune_for_batches

        model = [[i] for i in range(50_000)]  # stands for a loaded model
        tune_for_batches()
        assert gc.get_freeze_count() >= 50_000, gc.get_freeze_count()
        assert gc.get_threshold()[0] >= 20_000
        tune_for_batches()  # a second Components in the same process: nothing breaks

        class Node:
            pass

        def cycle():
            a, b = Node(), Node()
            a.other, b.other = b, a

        for _ in range(100):
            cycle()
        assert gc.collect() >= 200  # cycles made after the freeze are still collected
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_this_process_is_left_alone_by_importing_it() -> None:
    before = gc.get_threshold()
    import filrouge.runtime  # noqa: F401

    assert gc.get_threshold() == before


def test_an_ingest_run_tunes_its_driver_too(tmp_path) -> None:
    # with worker processes or Ray, the driver builds no model, yet unpickles every batch
    # they send: a run tunes its own process (here with nothing to read: no model is loaded)
    code = textwrap.dedent(f"""
        import gc
        from pathlib import Path
        from filrouge.config import Settings
        from filrouge.executors import InProcessExecutor
        from filrouge.pipeline import IngestRun, Worker
        from filrouge.store.repository import Store

        settings = Settings(db_url="sqlite:///{tmp_path / 'x.db'}")
        assert gc.get_threshold()[0] < 20_000
        IngestRun(settings, Store(settings.db_url), None,
                  executor=InProcessExecutor(Worker(settings))).run([Path("{tmp_path}")])
        assert gc.get_threshold()[0] >= 20_000 and gc.get_freeze_count() > 0
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
