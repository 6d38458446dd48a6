"""Readers for every input kind, and one clear problem per bad input."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from filrouge.ingest.manifest import load_manifest
from filrouge.ingest.readers import Reader
from filrouge.models import Problem, RawDocument

ARTICLE = ("Le conseil municipal de Nantes a adopté jeudi un plan de rénovation des écoles. "
           "Les travaux commenceront en septembre et dureront trois ans.")


def read(*paths, manifest=None, **kw):
    return list(Reader(manifest, **kw)([Path(p) for p in paths]))


def docs_and_problems(records):
    return ([r for r in records if isinstance(r, RawDocument)], [r for r in records if isinstance(r, Problem)])


def write_warc(path: Path, pages: list[tuple[str, str]], corrupt_after: int | None = None) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i, (url, html) in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers)
        writer.write_record(rec)
        if corrupt_after is not None and i == corrupt_after:
            buf.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\ngarbage")
    path.write_bytes(buf.getvalue())


def test_text_html_jsonl_feed_warc(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.html").write_text(f"<html><body><article><p>{ARTICLE}</p></article></body></html>")
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"text": ARTICLE, "url": "https://x.example/1", "published": "2023-05", "source": "S"}) + "\n"
        + json.dumps({"html": f"<p>{ARTICLE}</p>", "title": "T"}) + "\n")
    (tmp_path / "d.rss").write_text(
        "<?xml version='1.0'?><rss><channel><title>Feed</title><item><title>I</title><link>https://x.example/2</link>"
        f"<pubDate>Tue, 21 Nov 2023 09:30:00 +0100</pubDate><description>&lt;p&gt;{ARTICLE}&lt;/p&gt;</description>"
        "</item></channel></rss>")
    (tmp_path / "e.atom").write_text(
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><entry><title>E</title>"
        f"<link href='https://x.example/3'/><published>2023-11-20T10:00:00Z</published><summary>{ARTICLE}</summary>"
        "</entry></feed>")
    write_warc(tmp_path / "f.warc", [("https://x.example/4", f"<html><body><p>{ARTICLE}</p></body></html>")])
    (tmp_path / "notes.md").write_text("# not an article")
    (tmp_path / "data.csv").write_text("a,b\n")
    reader = Reader()
    recs = list(reader([tmp_path]))
    docs, problems = docs_and_problems(recs)
    assert not problems
    assert len(docs) == 7
    kinds = {Path(d.origin.split(":")[0].split("#")[0]).suffix: d.kind for d in docs}
    assert kinds == {".txt": "text", ".html": "html", ".jsonl": "html", ".rss": "text", ".atom": "text",
                     ".warc": "html"}
    jl = [d for d in docs if ".jsonl:1" in d.origin][0]
    assert (jl.url, jl.published, jl.published_basis, jl.source) == ("https://x.example/1", "2023-05", "metadata", "S")
    rss = [d for d in docs if d.origin.endswith("d.rss#item-1")][0]
    assert rss.published == "2023-11-21T09:30:00+01:00" and rss.url == "https://x.example/2"
    assert "<p>" not in rss.content and ARTICLE in rss.content
    warc = [d for d in docs if ".warc" in d.origin][0]
    assert warc.url == "https://x.example/4"
    assert reader.stats.skipped == {".md": 1, ".csv": 1}


def test_manifest_wins_and_is_not_an_article(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE + " Deux.")
    (tmp_path / "manifest.csv").write_text(
        "path,url,published,source,title\n"
        "a.txt,https://x.example/a,2021-03,Source A,Titre A\n"
        "b.txt,,2021-02-30,,\n"          # invalid date: a problem, the row's other fields still apply
        ",https://x.example/none,,,\n")   # no path
    man = load_manifest(tmp_path / "manifest.csv")
    assert [p.where.rsplit(":", 1)[1] for p in man.problems] == ["3", "4"]
    docs, problems = docs_and_problems(read(tmp_path, manifest=man))
    assert not problems and len(docs) == 2
    a = [d for d in docs if d.origin.endswith("a.txt")][0]
    assert (a.url, a.published, a.published_basis, a.source, a.title) == (
        "https://x.example/a", "2021-03", "manifest", "Source A", "Titre A")
    b = [d for d in docs if d.origin.endswith("b.txt")][0]
    assert b.published is None and b.published_basis == "none"


def test_jsonl_manifest(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "m.jsonl").write_text('{"path": "a.txt", "published": "2020"}\n{not json}\n')
    man = load_manifest(tmp_path / "m.jsonl")
    assert len(man.problems) == 1 and man.problems[0].where.endswith("m.jsonl:2")
    docs, _ = docs_and_problems(read(tmp_path / "a.txt", manifest=man))
    assert docs[0].published == "2020"


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "empty file"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("bad.txt", b"Caf\xe9 \x81\x8d\x8f\x90 au lait", "undecodable"),
    ("bomb.xml", b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss><channel><item><description>&lol2;</description></item></channel></rss>""", "entity"),
    ("broken.rss", b"<rss><channel><item><description>abc", "malformed XML"),
    ("empty.jsonl", b"\n\n", "empty file"),
])
def test_bad_file_gives_one_problem_naming_it(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ARTICLE)
    docs, problems = docs_and_problems(read(tmp_path))
    assert len(docs) == 1 and docs[0].origin.endswith("good.txt")
    assert len(problems) == 1
    assert name in problems[0].where and message in problems[0].message
    assert "\n" not in str(problems[0])


def test_malformed_jsonl_line_names_the_line(tmp_path):
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"text": ARTICLE}) + "\n{\"text\": \"unterminated\n" + json.dumps({"nope": 1}) + "\n"
        + json.dumps({"text": ARTICLE + " Bis.", "published": "hier"}) + "\n")
    docs, problems = docs_and_problems(read(tmp_path / "d.jsonl"))
    assert [d.origin.rsplit(":", 1)[1] for d in docs] == ["1", "4"]
    assert [p.where.rsplit(":", 1)[1] for p in problems] == ["2", "3", "4"]
    assert docs[1].published is None


def test_large_file_refused_without_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 100 MB on disk costs nothing
        fh.truncate(100 * 1024 * 1024)
    docs, problems = docs_and_problems(read(big))
    assert not docs and "too large" in problems[0].message and "100" in problems[0].message


def test_missing_and_broken_paths(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    docs, problems = docs_and_problems(read(tmp_path / "nope.txt", tmp_path / "link.txt"))
    assert not docs
    assert [p.message for p in problems] == ["no such file or folder", "broken symbolic link"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text(ARTICLE)
    p.chmod(0)
    docs, problems = docs_and_problems(read(p))
    assert problems and "permission" in problems[0].message


def test_corrupt_warc_record_keeps_earlier_records(tmp_path):
    write_warc(tmp_path / "c.warc", [("https://x.example/1", f"<p>{ARTICLE}</p>"),
                                     ("https://x.example/2", f"<p>{ARTICLE} 2</p>")], corrupt_after=0)
    docs, problems = docs_and_problems(read(tmp_path / "c.warc"))
    assert len(docs) == 1 and docs[0].url == "https://x.example/1"
    assert len(problems) == 1 and "#record-" in problems[0].where and "corrupt WARC" in problems[0].message


def test_gzipped_warc(tmp_path):
    write_warc(tmp_path / "p.warc", [("https://x.example/1", f"<p>{ARTICLE}</p>")])
    (tmp_path / "p.warc.gz").write_bytes(gzip.compress((tmp_path / "p.warc").read_bytes()))
    (tmp_path / "p.warc").unlink()
    docs, problems = docs_and_problems(read(tmp_path))
    assert len(docs) == 1 and not problems
