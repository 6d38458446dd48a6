"""Shared fixtures. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FILROUGE_SHARED", ROOT.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (tests over ../shared only run beside the project's shared folder)")
    return p


@pytest.fixture(scope="session")
def settings():
    from filrouge.config import Settings

    return Settings(db_url="sqlite://")


@pytest.fixture(scope="session")
def parser():
    from filrouge.nlp.parser import Parser

    return Parser()


@pytest.fixture(scope="session")
def components(settings, parser):
    from filrouge.pipeline import Components

    return Components(settings, parser=parser)


@pytest.fixture(scope="session")
def cleaner(components):
    return components.cleaner


@pytest.fixture()
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL URL: $FILROUGE_TEST_PG_URL, or a throwaway server started here from the
    Debian binaries (as the 'postgres' user when run as root). Skips when none can run."""
    pytest.importorskip("psycopg")
    url = os.environ.get("FILROUGE_TEST_PG_URL")
    if url:
        yield url
        return
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if not bindirs:
        pytest.skip("no PostgreSQL server binaries (install the Debian package 'postgresql')")
    bindir = bindirs[0]
    tmp = Path(tempfile.mkdtemp(prefix="filrouge-pg-"))
    data, sock = tmp / "data", tmp
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        shutil.chown(tmp, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "filrouge",
                        "--no-sync"], check=True, capture_output=True)
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w",
                        "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"PostgreSQL could not start: {getattr(exc, 'stderr', exc)!r}")
    url = f"postgresql+psycopg://filrouge@127.0.0.1:{port}/postgres"
    for _ in range(50):
        try:
            import psycopg

            psycopg.connect(f"host=127.0.0.1 port={port} user=filrouge dbname=postgres").close()
            break
        except Exception:
            time.sleep(0.1)
    yield url
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                   capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
