"""Readers: files and folders -> RawDocument (or Problem) records, streamed.

Supported: plain-text pages, HTML pages, JSON Lines dumps, RSS/Atom feeds, WARC/WARC.gz.
Folders are walked recursively; files of other kinds are skipped and counted. Each bad
input becomes one Problem naming the file (and line or record); the rest goes on.
"""

from __future__ import annotations

import email.utils
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..clean.dates import normalise_iso
from ..clean.encoding import decode_bytes
from ..errors import InputError
from ..models import ManifestEntry, Problem, RawDocument
from .manifest import Manifest

TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".rss", ".atom", ".xml", ".feed"}
WARC_EXT = {".warc", ".warc.gz", ".arc", ".arc.gz"}


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    ext = path.suffix.lower()
    for kind, exts in (("text", TEXT_EXT), ("html", HTML_EXT), ("jsonl", JSONL_EXT),
                       ("feed", FEED_EXT), ("warc", WARC_EXT)):
        if ext in exts:
            return kind
    return None


def sniff(head: bytes) -> str:
    """Guess the kind of a file without a known extension from its first bytes."""
    h = head.lstrip()[:512].lower()
    if h.startswith(b"warc/"):
        return "warc"
    if head[:2] == b"\x1f\x8b":
        return "warc"
    if h.startswith(b"{"):
        return "jsonl"
    if h.startswith(b"<?xml") and (b"<rss" in h or b"<feed" in h or b"<rdf" in h):
        return "feed"
    if h.startswith((b"<rss", b"<feed")):
        return "feed"
    if h.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in h:
        return "html"
    return "text"


@dataclass
class ReadStats:
    files: int = 0
    records: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # extension -> count


@dataclass
class Reader:
    """Streams RawDocument/Problem records from paths."""

    manifest: Manifest | None = None
    max_file_bytes: int = 50 * 1024 * 1024
    stats: ReadStats = field(default_factory=ReadStats)

    # ---- walking -------------------------------------------------------------------
    def files(self, paths: Iterable[Path]) -> Iterator[tuple[Path, str] | Problem]:
        skip = {self.manifest.file.resolve()} if self.manifest else set()
        for path in paths:
            if path.is_symlink() and not path.exists():
                yield Problem(str(path), "broken symbolic link")
            elif path.is_dir():
                for root, dirs, names in os.walk(path, onerror=None):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(names):
                        p = Path(root) / name
                        if name.startswith(".") or p.resolve() in skip or name.lower().startswith("manifest."):
                            continue
                        kind = kind_of(p)
                        if kind is None:
                            self.stats.skipped[p.suffix.lower() or "(no extension)"] += 1
                            continue
                        yield p, kind
            elif path.exists():
                if path.resolve() in skip:
                    continue
                kind = kind_of(path)
                if kind is None:
                    try:
                        with path.open("rb") as fh:
                            kind = sniff(fh.read(512))
                    except OSError as exc:
                        yield Problem(str(path), f"cannot be read ({exc.strerror or exc})")
                        continue
                yield path, kind
            else:
                yield Problem(str(path), "no such file or folder")

    def __call__(self, paths: Iterable[Path]) -> Iterator[RawDocument | Problem]:
        for item in self.files(paths):
            if isinstance(item, Problem):
                yield item
                continue
            path, kind = item
            self.stats.files += 1
            try:
                size = path.stat().st_size
                if size > self.max_file_bytes:
                    raise InputError(
                        str(path),
                        f"file too large ({size / 2**20:.0f} MiB > {self.max_file_bytes / 2**20:.0f} MiB limit)",
                    )
                reader = getattr(self, f"_read_{kind}")
                for rec in reader(path):
                    if isinstance(rec, RawDocument):
                        self.stats.records += 1
                    yield rec
            except InputError as exc:
                yield Problem(exc.where, exc.message)
            except PermissionError:
                yield Problem(str(path), "permission denied")
            except OSError as exc:
                yield Problem(str(path), f"cannot be read ({exc.strerror or exc})")

    # ---- helpers ---------------------------------------------------------------------
    def _entry(self, path: Path) -> ManifestEntry | None:
        return self.manifest.lookup(path) if self.manifest else None

    def _doc(self, path: Path, origin: str, kind: str, content: str, *, url: str | None = None,
             title: str | None = None, published: str | None = None, source: str | None = None,
             flags: tuple[str, ...] = ()) -> RawDocument:
        entry = self._entry(path) if origin == str(path) else None
        basis = "metadata" if published else "none"
        if entry is not None:
            url = entry.url or url
            title = entry.title or title
            source = entry.source or source
            if entry.published:
                published, basis = entry.published, "manifest"
        return RawDocument(origin=origin, kind=kind, content=content, url=url, title=title,  # type: ignore[arg-type]
                           published=published, published_basis=basis, source=source,  # type: ignore[arg-type]
                           encoding_flags=flags)

    # ---- one reader per kind ---------------------------------------------------------
    def _read_text(self, path: Path) -> Iterator[RawDocument]:
        text, flags = decode_bytes(path.read_bytes(), str(path))
        yield self._doc(path, str(path), "text", text, flags=flags)

    def _read_html(self, path: Path) -> Iterator[RawDocument]:
        text, flags = decode_bytes(path.read_bytes(), str(path))
        if "<" not in text:
            raise InputError(str(path), "not HTML (no markup found)")
        yield self._doc(path, str(path), "html", text, flags=flags)

    def _read_jsonl(self, path: Path) -> Iterator[RawDocument | Problem]:
        with path.open("rb") as fh:
            any_line = False
            for n, line in enumerate(fh, start=1):
                where = f"{path}:{n}"
                if not line.strip():
                    continue
                any_line = True
                try:
                    row = json.loads(line.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
                    yield Problem(where, f"malformed JSON line ({msg})")
                    continue
                if not isinstance(row, dict):
                    yield Problem(where, "JSON line is not an object")
                    continue
                text, html = row.get("text"), row.get("html")
                content, kind = (html, "html") if isinstance(html, str) and html.strip() else (text, "text")
                if not isinstance(content, str) or not content.strip():
                    yield Problem(where, "JSON line has no 'text' or 'html'")
                    continue
                published = row.get("published")
                if published is not None and (not isinstance(published, str) or normalise_iso(published) is None):
                    yield Problem(where, f"'published' {published!r} is not an ISO 8601 date; stored without it")
                    published = None
                def opt(key: str) -> str | None:
                    v = row.get(key)
                    return v.strip() if isinstance(v, str) and v.strip() else None
                yield self._doc(path, where, kind, content, url=opt("url"), title=opt("title"),
                                published=published, source=opt("source"))
            if not any_line:
                raise InputError(str(path), "empty file")

    def _read_feed(self, path: Path) -> Iterator[RawDocument | Problem]:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring

        data = path.read_bytes()
        if not data.strip():
            raise InputError(str(path), "empty file")
        try:
            root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise InputError(str(path), f"feed rejected: XML entity or DTD declarations are not allowed "
                                        f"(possible entity bomb: {type(exc).__name__})") from None
        except ParseError as exc:
            raise InputError(str(path), f"malformed XML feed ({exc})") from None
        items = [e for e in root.iter() if _local(e.tag) in ("item", "entry")]
        if not items:
            raise InputError(str(path), "no <item> or <entry> in the feed")
        channel_title = next((_text(e) for e in root.iter() if _local(e.tag) == "title"), None)
        for n, item in enumerate(items, start=1):
            where = f"{path}#item-{n}"
            fields: dict[str, str] = {}
            link = None
            for child in item:
                tag = _local(child.tag)
                if tag == "link":
                    link = child.get("href") or _text(child) or link
                elif tag in ("encoded", "content", "description", "summary", "title",
                             "pubdate", "published", "updated", "date"):
                    fields.setdefault(tag, _text(child) or "")
            body = fields.get("encoded") or fields.get("content") or fields.get("description") or fields.get("summary")
            if not body or not body.strip():
                yield Problem(where, "feed item has no content or summary")
                continue
            raw_date = fields.get("pubdate") or fields.get("published") or fields.get("date") or fields.get("updated")
            yield self._doc(path, where, "text", html_fragment_to_text(body), url=link,
                            title=fields.get("title"), published=feed_date(raw_date), source=channel_title)

    def _read_warc(self, path: Path) -> Iterator[RawDocument | Problem]:
        from warcio.archiveiterator import ArchiveIterator

        n = 0
        with path.open("rb") as fh:
            it = iter(ArchiveIterator(fh, arc2warc=True))
            while True:
                n += 1
                where = f"{path}#record-{n}"
                try:
                    record = next(it)
                    if record.rec_type != "response":
                        continue
                    ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                    if "html" not in ctype.lower():
                        continue
                    payload = record.content_stream().read()
                    url = record.rec_headers.get_header("WARC-Target-URI")
                except StopIteration:
                    break
                except Exception as exc:  # warcio raises ArchiveLoadFailed and many other kinds on bad bytes
                    yield Problem(where, f"corrupt WARC record ({str(exc).splitlines()[0][:120] or type(exc).__name__}); "
                                         "the rest of this file is skipped")
                    break
                m = re.search(r"charset=([\w-]+)", ctype, re.I)
                try:
                    html = payload.decode(m.group(1) if m else "utf-8")
                except (LookupError, UnicodeDecodeError):
                    try:
                        html, _ = decode_bytes(payload, where)
                    except InputError as exc:
                        yield Problem(exc.where, exc.message)
                        continue
                if not html.strip():
                    yield Problem(where, "empty HTML response")
                    continue
                yield self._doc(path, where, "html", html, url=url)
        if n == 1:
            raise InputError(str(path), "no records in WARC file")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _text(elem: object) -> str | None:
    t = "".join(elem.itertext()).strip()  # type: ignore[attr-defined]
    return t or None


def feed_date(value: str | None) -> str | None:
    """RFC 822 (RSS) or ISO 8601 (Atom) -> ISO 8601, or None."""
    if not value:
        return None
    iso = normalise_iso(value)
    if iso:
        return iso
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return None


_BLOCK_END = re.compile(r"(?i)</(p|div|li|h[1-6]|blockquote|tr|section|article)>|<br\s*/?>")


def html_fragment_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed item), one line per block element."""
    if "<" not in fragment:
        return fragment
    import lxml.html

    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", fragment)
    try:
        tree = lxml.html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # lxml raises ParserError and others on junk
        return re.sub(r"<[^>]+>", " ", fragment)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return "\n".join(line.strip() for line in tree.text_content().split("\n"))
