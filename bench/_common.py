"""Helpers shared by the benchmark scripts: paths to ../shared, synthetic articles."""

from __future__ import annotations

import hashlib
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FILROUGE_SHARED", ROOT.parent / "shared"))


def shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        sys.exit(f"{p} is absent: this benchmark reads the project's shared folder")
    return p


def synthetic_article(i: int, day: date, title: str, texts: list[str]) -> tuple[Any, list[Any]]:
    """The clean document of synthetic article ``i`` (a title line, then one paragraph of
    ``texts``) and its sentences (the title first), with offsets into its body."""
    from filrouge.models import CleanDocument, Paragraph, Sentence

    body = f"{title}\n\n{' '.join(texts)}\n"
    sents, pos = [], 0
    for k, s in enumerate([title, *texts]):
        a = body.index(s, pos)
        sents.append(Sentence(k, a, a + len(s), s))
        pos = a + len(s)
    doc = CleanDocument(origin=f"synthetic/{i}.txt", content_hash=hashlib.sha256(body.encode()).hexdigest(),
                        title=title, published=day.isoformat(), published_basis="manifest", body=body, comments=(),
                        removed=(), flags=(), language="fr", paragraphs=(Paragraph(0, len(body), "fr"),),
                        url=f"https://news.example/{i}", source=f"outlet-{i % 50}")
    return doc, sents
