"""Every `documents:` expectation of ../shared/eval/seeds.gold.yaml (skipped when absent)."""

from __future__ import annotations

import pytest
import yaml

from conftest import shared_path

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def _gold():
    return yaml.safe_load(shared_path("eval", "seeds.gold.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def cleaned(cleaner):
    from filrouge.ingest.manifest import load_manifest
    from filrouge.ingest.readers import Reader

    seeds = shared_path("seeds")
    # dates "in text" are checked without the manifest; the manifest is checked apart
    docs = {}
    for rec in Reader()([seeds]):
        docs[rec.origin.rsplit("/", 1)[-1][:3]] = cleaner.clean(rec)
    with_manifest = {}
    for rec in Reader(load_manifest(seeds / "manifest.csv"))([seeds]):
        with_manifest[rec.origin.rsplit("/", 1)[-1][:3]] = cleaner.clean(rec)
    return docs, with_manifest


def _cases(key):
    try:
        gold = _gold()
    except pytest.skip.Exception:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="../shared absent"))]
    out = []
    for doc, exp in gold["documents"].items():
        values = exp.get(key)
        if values is None and key != "published_in_text":
            continue
        if key == "published_in_text":
            out.append(pytest.param(doc, values, id=f"{doc}"))
        elif isinstance(values, list):
            out.extend(pytest.param(doc, v, id=f"{doc}-{v[:30]}") for v in values)
        else:
            out.append(pytest.param(doc, values, id=f"{doc}-{values[:30]}"))
    return out


@pytest.mark.parametrize("doc,text", _cases("must_remove"))
def test_must_remove(cleaned, doc, text):
    body = cleaned[0][doc].body
    assert text not in body


@pytest.mark.parametrize("doc,text", _cases("must_keep"))
def test_must_keep(cleaned, doc, text):
    assert text in cleaned[0][doc].body


@pytest.mark.parametrize("doc,text", _cases("mojibake_fixed"))
def test_mojibake_fixed(cleaned, doc, text):
    assert text in cleaned[0][doc].body


@pytest.mark.parametrize("doc,text", _cases("duplicate_lines_once"))
def test_duplicate_lines_once(cleaned, doc, text):
    assert cleaned[0][doc].body.count(text) == 1


@pytest.mark.parametrize("doc,text", _cases("repeated_block"))
def test_repeated_block_once(cleaned, doc, text):
    assert cleaned[0][doc].body.count(text) == 1


@pytest.mark.parametrize("doc,text", _cases("comment_only_text"))
def test_comment_only_text(cleaned, doc, text):
    d = cleaned[0][doc]
    assert text not in d.body
    assert any(text in c for c in d.comments)


@pytest.mark.parametrize("doc,text", _cases("foreign_fragment"))
def test_foreign_fragment_flagged(cleaned, doc, text):
    d = cleaned[0][doc]
    start = d.body.find(text)
    assert start >= 0
    covered = [
        (s, e) for p in d.paragraphs for (s, e) in
        ([(p.start, p.end)] if p.foreign else [(fs, fe) for fs, fe, _ in p.fragments])
    ]
    assert any(s <= start and start + len(text) <= e for s, e in covered)


@pytest.mark.parametrize("doc,expected", _cases("published_in_text"))
def test_published_in_text(cleaned, doc, expected):
    d = cleaned[0][doc]
    if expected is None:
        assert d.published is None and d.published_basis == "none"
    else:
        assert d.published is not None and d.published[:10] == str(expected)
        assert d.published_basis == "text"


def test_comments_start_and_count(cleaned):
    gold = _gold()
    for doc, exp in gold["documents"].items():
        if "comments_start" in exp:
            d = cleaned[0][doc]
            assert exp["comments_start"] not in d.body
            assert len(d.comments) >= 10


def test_manifest_wins(cleaned):
    import csv

    rows = {r["path"][:3]: r for r in csv.DictReader(shared_path("seeds", "manifest.csv").open())}
    for doc, d in cleaned[1].items():
        if rows[doc]["published"]:
            assert d.published_basis == "manifest"
            assert d.published[:10] == rows[doc]["published"][:10]
        else:
            assert d.published is None
