"""Helpers shared by the benchmark scripts (paths to ../shared)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FILROUGE_SHARED", ROOT.parent / "shared"))


def shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        sys.exit(f"{p} is absent: this benchmark reads the project's shared folder")
    return p
