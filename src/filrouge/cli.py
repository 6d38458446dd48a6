"""Command-line interface: arguments -> settings -> run -> exit code. Nothing else.

Exit codes: 0 success; 1 some inputs failed (the rest was processed); 2 usage or
configuration error (bad option, store cannot be opened).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import FilrougeError, InputError, StoreError

app = typer.Typer(
    name="filrouge",
    help="Follow the thread of a news story across sources: ingest noisy articles, clean and "
    "de-duplicate them, parse them, and store them for the story commands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Store: a file path or an SQLAlchemy URL (postgresql+psycopg://...). "
                 "Default: $FILROUGE_DB or ./filrouge.db", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"filrouge {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """filrouge: clean, de-duplicated, parsed articles of a story in one store."""


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (walked recursively): .txt, "
                                                "HTML, .jsonl, RSS/Atom, WARC(.gz).", show_default=False)],
    manifest: Annotated[Optional[Path], typer.Option("--manifest", help="CSV or JSONL keyed by "
                        "'path' giving url, published, source, title.")] = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Store articles: clean, parse and de-duplicate them. Re-ingesting changes nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .config import Settings
    from .ingest.manifest import load_manifest
    from .pipeline import Components, IngestRun
    from .store.repository import Store

    try:
        settings = Settings.from_env(db)
        store = Store(settings.db_url)
    except FilrougeError as exc:
        _fail(str(exc))
    man = None
    problems_early = []
    if manifest is not None:
        try:
            man = load_manifest(manifest)
        except InputError as exc:
            _fail(str(exc), 1)
        problems_early = list(man.problems)

    def show_problem(p: Any) -> None:
        err.print(f"[red]error:[/] {p}", highlight=False, markup=True)

    for p in problems_early:
        show_problem(p)
    try:
        if not quiet and not json_out:
            with err.status("loading language model…"):
                components = Components(settings)
        else:
            components = Components(settings)
        run = IngestRun(settings, store, components, man, on_problem=show_problem)
        files = run.list_files(paths)
        if quiet or json_out or not sys.stderr.isatty():
            report = run.run(paths, files)
        else:
            with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("files"), TimeElapsedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("ingest", total=len(files))
                run.on_file = lambda _p: bar.advance(task)
                report = run.run(paths, files)
    except StoreError as exc:
        _fail(str(exc))
    except FilrougeError as exc:
        _fail(str(exc))
    report.problems[:0] = problems_early
    if json_out:
        _print_json(report.to_json())
    elif not quiet:
        skipped = ", ".join(f"{n} {ext}" for ext, n in sorted(report.skipped.items())) or "none"
        out.print(
            f"{report.files} files, {report.records} articles read: [bold green]{report.stored} stored[/], "
            f"{report.unchanged} already stored, {report.duplicates} linked as duplicates, "
            f"{len(report.problems)} failed; skipped files: {skipped}. Store: {store._safe_url()} "
            f"({store.count()} articles)", highlight=False)
    raise typer.Exit(1 if report.problems else 0)


@app.command()
def clean(
    file: Annotated[Path, typer.Argument(help="One page: .txt, HTML, or any file ingest reads "
                                         "(the first article of a JSONL/feed/WARC).", show_default=False)],
    json_out: JsonOption = False,
    url: Annotated[Optional[str], typer.Option(help="The page's URL (dates in URLs count).")] = None,
) -> None:
    """Show what the cleaner makes of one page, without storing anything."""
    from dataclasses import replace

    from .clean.cleaner import Cleaner, spacy_lexicon
    from .config import Settings
    from .ingest.readers import Reader
    from .models import Problem

    settings = Settings()
    reader = Reader(max_file_bytes=settings.max_file_bytes)
    first = next(iter(reader([file])), None)
    if first is None:
        _fail(f"{file}: no article found", 1)
    if isinstance(first, Problem):
        _fail(str(first), 1)
    raw = replace(first, url=url or first.url)  # type: ignore[arg-type]
    try:
        doc = Cleaner(settings, lexicon=spacy_lexicon(settings.spacy_model)).clean(raw)
    except InputError as exc:
        _fail(str(exc), 1)
    if json_out:
        _print_json(doc.to_json())
        return
    out.rule(f"[bold]{doc.title or '(no title)'}")
    out.print(f"published: {doc.published or '—'} ({doc.published_basis})   language: {doc.language}   "
              f"words: {doc.word_count}", highlight=False)
    if doc.flags:
        out.print("flags: " + "; ".join(doc.flags), highlight=False)
    out.print()
    out.print(doc.body, highlight=False, markup=False)
    if doc.comments:
        out.rule(f"{len(doc.comments)} reader comments (kept apart)")
        for c in doc.comments:
            out.print("• " + c.replace("\n", " ")[:200], highlight=False, markup=False)
    if doc.removed:
        out.rule(f"{len(doc.removed)} removed")
        for r in doc.removed:
            out.print(f"[dim]{r.reason:>22}[/]  {r.text[:110]}", highlight=False)


@app.command()
def docs(
    db: DbOption = None,
    json_out: JsonOption = False,
    limit: Annotated[Optional[int], typer.Option(help="At most this many.")] = None,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
) -> None:
    """List stored articles: id, path/url, source, title, published (basis), language, words, duplicate_of."""
    from .config import Settings
    from .store.repository import Store

    try:
        store = Store(Settings.from_env(db).db_url)
        rows = store.documents(limit=limit, offset=offset)
    except FilrougeError as exc:
        _fail(str(exc))
    if json_out:
        _print_json({"documents": [r.to_json() for r in rows]})
        return
    table = Table(title=f"{len(rows)} articles", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("basis", no_wrap=True)
    table.add_column("lang", no_wrap=True, min_width=4)
    table.add_column("words", no_wrap=True, justify="right", min_width=5)
    table.add_column("dup. of", no_wrap=True)
    table.add_column("source", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("title", no_wrap=True, overflow="ellipsis", min_width=20)
    for r in rows:
        table.add_row(r.id[:8], (r.published or "—")[:16], r.published_basis, r.language, str(r.word_count),
                      (r.duplicate_of or "")[:8], r.source or r.url or Path(r.origin).name, r.title or "")
    out.print(table)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Article id (or its first characters).", show_default=False)],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show one stored article: metadata, clean body, comments and what the cleaner removed."""
    from .config import Settings
    from .store.repository import Store

    try:
        store = Store(Settings.from_env(db).db_url)
        doc = store.document(doc_id)
    except FilrougeError as exc:
        _fail(str(exc))
    if doc is None:
        _fail(f"no article with id {doc_id!r}", 1)
    if json_out:
        _print_json(doc)
        return
    out.rule(f"[bold]{doc['title'] or '(no title)'}")
    out.print(f"{doc['id']}  {doc['origin']}  published {doc['published'] or '—'} ({doc['published_basis']})",
              highlight=False)
    out.print(doc["body"], highlight=False, markup=False)


@app.command()
def times(
    file: Annotated[Path, typer.Argument(help="A plain-text file (UTF-8 or Windows-1252), read as it is.",
                                         show_default=False)],
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date (ISO, YYYY-MM-DD...) "
                         "that relative expressions are anchored on; without it they stay unresolved.")] = None,
    json_out: JsonOption = False,
) -> None:
    """The temporal expressions of one text with their normalised TIMEX3 values."""
    from datetime import date

    from .clean.dates import normalise_iso
    from .clean.encoding import decode_bytes
    from .temporal.tagger import TimeTagger

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"{file}: cannot be read ({exc.strerror or exc})", 1)
    try:
        text, _ = decode_bytes(data, str(file))
    except InputError as exc:
        _fail(str(exc), 1)
    dct = None
    if published:
        iso = normalise_iso(published)
        if iso is None or len(iso) < 10:
            _fail(f"--published {published!r} is not an ISO 8601 day (YYYY-MM-DD)")
        dct = date.fromisoformat(iso[:10])
    found = TimeTagger("fr").tag(text, dct)
    rows = [{"text": t.text, "start": t.start, "end": t.end, "type": t.type.lower(), "value": t.value,
             "granularity": t.granularity, "anchored": t.anchored,
             "interval": [t.interval_start, t.interval_end] if t.interval_start else None} for t in found]
    if json_out:
        _print_json({"published": dct.isoformat() if dct else None, "times": rows})
        return
    table = Table(title=f"{len(rows)} temporal expressions (publication date: {dct or 'unknown'})")
    for col in ("text", "type", "value", "granularity", "offsets"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["text"], r["type"], r["value"], r["granularity"], f"{r['start']}-{r['end']}")
    out.print(table)


def main() -> None:
    try:
        app()
    except FilrougeError as exc:  # last resort: never a traceback for a user error
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
