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
    workers: Annotated[Optional[int], typer.Option("--workers", "-w", min=1, help="Processes that clean, "
                       "parse and extract (1: in this process). Default: the machine's cores, fewer for a "
                       "small input (one per batch of articles); with --executor ray: the cluster's CPUs.",
                       show_default=False)] = None,
    executor: Annotated[str, typer.Option("--executor", help="local (this machine's processes) or ray "
                        "(Ray Data actors; pip install 'filrouge[ray]').")] = "local",
    ray_address: Annotated[Optional[str], typer.Option("--ray-address", help="Ray cluster to join "
                           "(ray://host:10001 or host:6379); default: $RAY_ADDRESS, else a local Ray.",
                           show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Store articles: clean, parse and de-duplicate them. Re-ingesting changes nothing."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .config import Settings
    from .executors import default_workers, make_executor, require_ray
    from .ingest.manifest import load_manifest
    from .pipeline import Components, IngestRun
    from .store.repository import Store

    if executor not in ("local", "ray"):
        _fail(f"unknown executor {executor!r}: local or ray")
    if ray_address and executor != "ray":
        _fail("--ray-address needs --executor ray")
    try:
        if executor == "ray":
            require_ray()
        settings = Settings.from_env(db)
        store = Store(settings.db_url)
    except FilrougeError as exc:
        _fail(escape(str(exc)))
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
    ex = None
    try:
        run = IngestRun(settings, store, None, man, on_problem=show_problem)
        files = run.list_files(paths)
        if executor == "local" and workers is None:
            # a worker process costs a model load: one per batch of articles at most
            size = sum(f.stat().st_size for f, _k in files if f.is_file())
            batches = max(len(files) / settings.batch_size, size / (settings.batch_size * 8192))
            workers = max(1, min(default_workers(), int(batches)))
        components = None
        if executor == "local" and workers == 1:
            if not quiet and not json_out:
                with err.status("loading language model…"):
                    components = Components(settings)
            else:
                components = Components(settings)
        ex = make_executor(settings, executor=executor, workers=workers,
                           ray_address=ray_address or None, components=components)
        run.executor = ex
        if quiet or json_out or not sys.stderr.isatty():
            report = run.run(paths, files)
        else:
            with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("files"), TimeElapsedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("ingest", total=len(files))
                run.on_file = lambda _p: bar.advance(task)
                report = run.run(paths, files)
    except FilrougeError as exc:  # StoreError included
        _fail(escape(str(exc)))
    finally:
        if ex is not None:
            ex.close()
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
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date (ISO: YYYY-MM-DD, "
                         "or a month YYYY-MM, or a year YYYY) that relative expressions are anchored on; the text "
                         "may refine it (dateline, 'Publié le', URL).")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="The page's address (a date in it may refine the "
                   "anchor).", show_default=False)] = None,
    json_out: JsonOption = False,
) -> None:
    """The temporal expressions of one text with their normalised TIMEX3 values."""
    from .clean.dates import normalise_iso
    from .clean.encoding import decode_bytes
    from .temporal.anchor import infer_anchor
    from .temporal.tagger import TimeTagger

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"{file}: cannot be read ({exc.strerror or exc})", 1)
    try:
        text, _ = decode_bytes(data, str(file))
    except InputError as exc:
        _fail(str(exc), 1)
    iso = None
    if published:
        iso = normalise_iso(published)
        if iso is None:
            _fail(f"--published {published!r} is not an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)")
        iso = iso[:10]
    tagger = TimeTagger("fr")
    anchor = infer_anchor(text, iso, tagger, url=url)
    found = tagger.tag(text, anchor=anchor)
    rows = [{"text": t.text, "start": t.start, "end": t.end, "type": t.type.lower(), "value": t.value,
             "granularity": t.granularity, "anchored": t.anchored, "uncertain": t.uncertain,
             "interval": [t.interval_start, t.interval_end] if t.interval_start else None} for t in found]
    if json_out:
        _print_json({"published": iso, "anchor": anchor.to_json() if anchor else None, "times": rows})
        return
    shown = (f"{anchor.start}..{anchor.end or ''} ({anchor.granularity}, {anchor.basis})" if anchor
             else "unknown")
    table = Table(title=f"{len(rows)} temporal expressions (written: {shown})")
    for col in ("text", "type", "value", "granularity", "offsets"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["text"], r["type"], r["value"], r["granularity"], f"{r['start']}-{r['end']}")
    out.print(table)


AliasOption = Annotated[
    Optional[Path],
    typer.Option("--aliases", help="Alias file (YAML: rename, merge, split) correcting who is who.",
                 show_default=False),
]


def _story(db: str | None, aliases: Path | None) -> Any:
    return _store_and_story(db, aliases)[1]


def _date_opt(value: str | None, name: str) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{name}: expected a date YYYY-MM-DD, got {value!r}")


def _src_count(e: dict[str, Any]) -> str:
    n = e.get("support", 0)
    return f"{n} source{'s' if n != 1 else ''}"


def print_timeline(events: list[dict[str, Any]], title: str = "Timeline") -> None:
    table = Table(title=title)
    for col in ("date", "event", "who", "role", "organisation", "sources"):
        table.add_column(col, overflow="fold")
    for e in events:
        d = e["date"] or "undated"
        if e["date"] and e["granularity"] != "day":
            d = e["date"][: {"year": 4, "month": 7}.get(e["granularity"], 10)]
        if e.get("date_basis") == "published":
            d += " (reported)"
        if e.get("conflicting_dates"):
            d += " ≠ " + ", ".join(e["conflicting_dates"])
        what = e["type"] + ("" if e["modality"] == "stated" else f" [{e['modality']}]")
        who = e.get("person") or e.get("speaker") or e.get("holder") or e.get("investor") or ""
        role = (e.get("role") or "") + (" (interim)" if e.get("interim") else "")
        if e.get("value"):
            role = str(e["value"]) + (f" of {e['total']}" if e.get("total") else "")
        if e["type"] == "quote":
            role = "« " + str(e.get("quote", ""))[:70] + " »"
        table.add_row(d, what, who, role, e.get("org") or "", _src_count(e))
    out.print(table)


def print_roles(intervals: list[dict[str, Any]], title: str) -> None:
    table = Table(title=title)
    for col in ("organisation", "role", "holder", "from", "to", "sources"):
        table.add_column(col, overflow="fold")
    for i in intervals:
        start = i["start"] or (f"by {i['start_by']}" if i.get("start_by") else "?")
        if not i["start"] and i.get("start_after"):
            start = f"after {i['start_after']}"
        end = i["end"] or (f"by {i['end_by']}" if i.get("end_by") else ("? (ended)" if not i["open"] else "open"))
        table.add_row(i["org"], i["role"], i["name"] + (" (interim)" if i["interim"] else ""), start, end,
                      str(len({s["doc"] for s in i["sources"]})))
    out.print(table)


def print_conflicts(items: list[dict[str, Any]]) -> None:
    table = Table(title="Conflicts and updates")
    for col in ("kind", "about", "values (sources)"):
        table.add_column(col, overflow="fold")
    for c in items:
        vals = "; ".join(f"{v['value']} ({len(v['sources'])})" for v in c["values"])
        table.add_row(c["kind"], c["about"], vals)
    out.print(table)


@app.command()
def timeline(
    db: DbOption = None,
    org: Annotated[Optional[str], typer.Option("--org", help="Only events of this organisation.")] = None,
    person: Annotated[Optional[str], typer.Option("--person", help="Only events of this person.")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="From this date (YYYY-MM-DD).")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Up to this date (YYYY-MM-DD).")] = None,
    event_type: Annotated[Optional[str], typer.Option("--type", help="Only this event type.")] = None,
    aliases: AliasOption = None,
    json_out: JsonOption = False,
) -> None:
    """Events merged across sources, in date order (undated ones last), each with its sources."""
    start, end = _date_opt(date_from, "--from"), _date_opt(date_to, "--to")
    story = _story(db, aliases)
    events = story.timeline(org, person, start, end, {event_type} if event_type else None)
    if json_out:
        _print_json({"events": events})
        return
    print_timeline(events)


@app.command()
def roles(
    org: Annotated[str, typer.Argument(help="Organisation, as written in the articles.", show_default=False)],
    db: DbOption = None,
    role: Annotated[Optional[str], typer.Option("--role", help='Role as you would type it: "CEO", "PDG", '
                                                '"directeur général", "chair"...')] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="Who held the role on this day (needs --role).")] = None,
    aliases: AliasOption = None,
    json_out: JsonOption = False,
) -> None:
    """Who held which role at an organisation, and when (intervals with open or uncertain ends)."""
    day = _date_opt(at, "--at")
    story = _story(db, aliases)
    canon = story.resolver.org(org)
    if day is not None:
        if not role:
            _fail("--at needs --role")
        holders = story.holders(org, role, day)
        label = story.lex.canonical_role(role) or role
        data = {"org": canon, "role": label, "at": at,
                "holders": [{k: v for k, v in h.to_json().items() if k not in ("org", "role")} | {"name": h.name}
                            for h in holders]}
        if json_out:
            _print_json(data)
            return
        print_roles([h.to_json() for h in holders], f"{label} of {canon} on {at}")
        if not holders:
            out.print("nobody known to hold it that day")
        return
    ivs = [i.to_json() for i in story.roles(org, role)]
    if json_out:
        _print_json({"org": canon, "intervals": [{k: v for k, v in i.items() if k != "org"} for i in ivs]})
        return
    print_roles(ivs, f"Roles at {canon}")


@app.command()
def conflicts(db: DbOption = None, aliases: AliasOption = None, json_out: JsonOption = False) -> None:
    """Where sources disagree (conflict) and values that changed as the story moved on (update)."""
    items = _story(db, aliases).conflicts()
    if json_out:
        _print_json({"conflicts": items})
        return
    print_conflicts(items)


@app.command()
def facts(
    db: DbOption = None,
    fact_type: Annotated[Optional[str], typer.Option("--type", help="Only this type (role, quote, age, ...).")] = None,
    aliases: AliasOption = None,
    json_out: JsonOption = False,
) -> None:
    """Every extracted fact, one per sentence, with names resolved: events, roles, numbers, quotes."""
    from .story.build import source_of

    story = _story(db, aliases)
    rows = []
    for f in story.facts:
        if fact_type and f["type"] != fact_type:
            continue
        rows.append({k: f[k] for k in ("type", "person", "org", "role", "role_surface", "interim", "date",
                                       "date_end", "granularity", "date_text", "date_basis", "negated",
                                       "modality", "org_inferred")} | f["detail"] | {"source": source_of(f)})
    if json_out:
        _print_json({"facts": rows})
        return
    table = Table(title=f"{len(rows)} facts")
    for col in ("type", "who", "organisation", "role / value", "date", "modality", "sentence"):
        table.add_column(col, overflow="fold")
    for r in rows:
        val = r.get("role") or r.get("value") or (("« " + r["quote"][:50] + " »") if r.get("quote") else "")
        table.add_row(r["type"], r.get("person") or r.get("holder") or r.get("investor") or "", r.get("org") or "",
                      str(val), r.get("date") or "", r["modality"] + (" (negated)" if r["negated"] else ""),
                      (r["source"]["text"] or "")[:90])
    out.print(table)


@app.command()
def entities(db: DbOption = None, aliases: AliasOption = None, json_out: JsonOption = False) -> None:
    """People and organisations resolved across articles, with their aliases and roles."""
    items = _story(db, aliases).entities()
    if json_out:
        _print_json({"entities": items})
        return
    table = Table(title=f"{len(items)} entities")
    for col in ("name", "kind", "mentions", "aliases", "part of", "roles"):
        table.add_column(col, overflow="fold")
    for e in items:
        table.add_row(e["name"], e["kind"], str(e["mentions"]), ", ".join(a for a in e["aliases"] if a != e["name"]),
                      e["part_of"] or "", "; ".join(e["roles"]))
    out.print(table)


@app.command()
def extract(db: DbOption = None, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Extract the facts of every stored article again (after upgrading filrouge's vocabulary)."""
    from .config import Settings
    from .extract.extractor import Extractor
    from .pipeline import reextract
    from .store.repository import Store

    try:
        settings = Settings.from_env(db)
        store = Store(settings.db_url)
        n = reextract(store, Extractor(settings.language))
        store.story_stale()  # the vocabulary may have changed what the story makes of the same facts
    except FilrougeError as exc:
        _fail(str(exc))
    if not quiet:
        err.print(f"facts extracted again for {n} articles ({store.count('facts')} facts)")


@app.command(name="eval")
def eval_(
    target: Annotated[Path, typer.Argument(help="A gold file (YAML: roles_at, events, conflicts, updates, traps), "
                                           "scored against the store; or a story folder (texts, manifest.csv, "
                                           "gold.yaml), ingested into a throwaway store unless --db is given.",
                                           show_default=False)],
    gold: Annotated[Optional[Path], typer.Option("--gold", help="Gold file for a story folder (default: its "
                                                 "gold.yaml).", show_default=False)] = None,
    db: DbOption = None,
    aliases: AliasOption = None,
    json_out: JsonOption = False,
) -> None:
    """Score a story against a gold file, with the rules of ../shared/eval/score.py: roles on given
    days (strict and lenient), events recall and precision~, conflicts; also updates and traps."""
    from .story.evaluate import evaluate_folder, evaluate_store, load_gold, story_gold

    if not target.exists():
        _fail(f"{target}: no such file or folder")
    try:
        if target.is_dir():
            story_gold(target, gold)  # a clear error before any ingest
            if db is None and not json_out and sys.stderr.isatty():
                with err.status(f"ingesting {target} into a throwaway store…"):
                    res = evaluate_folder(target, gold, None, aliases)
            else:
                res = evaluate_folder(target, gold, db, aliases)
        else:
            if gold is not None:
                _fail("--gold goes with a story folder; with a gold file, give only the file")
            res = evaluate_store(db, load_gold(target), target.stem, aliases)
    except FilrougeError as exc:
        _fail(str(exc))
    if res.get("ingest") and res["ingest"]["problems"] and not json_out:
        for p in res["ingest"]["problems"]:
            err.print(f"[yellow]warning:[/] {p}", highlight=False)
    if json_out:
        _print_json(res)
        return
    print_evaluation(res, target)


def print_evaluation(res: dict[str, Any], target: Path) -> None:
    """The table of `filrouge eval`, then score.py's summary line."""
    from rich.markup import escape

    from .story.evaluate import summary_line

    table = Table(title=escape(f"Evaluation of {res.get('story') or target.name}"))
    table.add_column("measure")
    table.add_column("score", justify="right")
    table.add_column("detail", overflow="fold")

    def row(measure: str, score: str, detail: str = "") -> None:
        table.add_row(measure, score, "" if detail.endswith(": ") else escape(detail))  # "missed: " + nothing

    def day(d: Any) -> str:
        return " | ".join(map(str, d)) if isinstance(d, list) else str(d or "undated")

    r, ev, c, u, t = res["roles_at"], res["events"], res["conflicts"], res["updates"], res["traps"]
    row("roles_at strict", f"{r['strict']}/{r['total']} = {r['strict_ratio']:.2f}",
        "; ".join(f"{i['role']} {i['org']} {i['at']}: want {', '.join(map(str, i['want']))}, got "
                  f"{', '.join(map(str, i['found'])) or '—'}" for i in r["items"] if not i["ok"]))
    row("roles_at lenient", f"{r['lenient']}/{r['total']} = {r['lenient_ratio']:.2f}")
    row("events recall", f"{ev['found']}/{ev['gold']} = {ev['recall']:.2f}", "missed: " + "; ".join(
        f"{g.get('type')} {g.get('person', '')} @{g.get('org')} {day(g.get('date'))}" for g in ev["missed"]))
    row("events precision~", f"{ev['correct']}/{ev['relevant']} = {ev['precision_approx']:.2f}", "wrong: " + "; ".join(
        f"{w['type']} {w['person'] or ''} @{w['org'] or '?'} {day(w['date'])}" for w in ev["wrong"]))
    row("conflicts found", f"{c['found']}/{c['total']}",
        "missed: " + "; ".join(str(i["about"]) for i in c["items"] if not i["found"]))
    row("conflicts reported", str(c["reported"]))
    row("updates found", f"{u['found']}/{u['total']}", "; ".join(str(i["about"]) for i in u["items"] if not i["found"]))
    row("traps violated", f"{t['violated']}/{t['checked']} checked",
        f"{len(t['items']) - t['checked']} written as prose: check them by hand")
    out.print(table)
    out.print(summary_line(res), highlight=False)


def _store_and_story(db: str | None, aliases: Path | None) -> tuple[Any, Any]:
    from .config import Settings
    from .store.repository import Store
    from .story import load_story
    from .story.materialized import MaterializedStory

    try:
        store = Store(Settings.from_env(db).db_url)
        if aliases:  # names resolved another way: the story built in full from the facts
            return store, load_story(store, aliases)
        try:  # the story kept in the store, brought up to date
            return store, MaterializedStory(store)
        except StoreError:  # a store it cannot write to (read-only file): built in full
            return store, load_story(store)
    except FilrougeError as exc:
        _fail(str(exc))
        raise  # unreachable


@app.command()
def report(
    out_path: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path("story.html"),
    db: DbOption = None,
    aliases: AliasOption = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title of the report (default: from the story).")] = None,
    json_out: JsonOption = False,
) -> None:
    """Write the story as one self-contained HTML file (timeline, role chart, conflicts, people,
    articles, provenance of everything): no network, opens from disk, can be mailed."""
    from .views.report import write_report

    store, story = _store_and_story(db, aliases)
    try:
        stats = write_report(store, story, out_path, title)
    except OSError as exc:
        _fail(f"{out_path}: cannot write ({exc.strerror or exc})")
    stats["path"] = str(out_path.resolve())
    if json_out:
        _print_json(stats)
        return
    out.print(f"report written: {stats['path']} ({stats['bytes'] / 1024:.0f} KiB; {stats['events']} events, "
              f"{stats['intervals']} role intervals, {stats['conflicts']} conflicts/updates, "
              f"{stats['articles']} articles)", highlight=False)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | csv | timelinejs | graphml")] = "json",
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="File to write (default: standard output).")] = None,
    db: DbOption = None,
    aliases: AliasOption = None,
) -> None:
    """Export the story: json (everything, with provenance), csv (one row per event and role
    interval), timelinejs (Knight Lab TimelineJS JSON), graphml (Gephi, networkx)."""
    from .views.export import FORMATS, WRITERS

    if fmt not in FORMATS:
        _fail(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    store, story = _store_and_story(db, aliases)
    text = WRITERS[fmt](store, story)
    if out_path is None:
        sys.stdout.write(text)
        return
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{out_path}: cannot write ({exc.strerror or exc})")
    err.print(f"{fmt} written: {out_path}", highlight=False)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    token: Annotated[Optional[str], typer.Option("--token", envvar="FILROUGE_TOKEN", show_envvar=True,
                                                 help="Enable POST /api/ingest, for requests bearing this token.")] = None,
    aliases: AliasOption = None,
) -> None:
    """Serve the story as a web app: the report's views, full-text search, filters, a JSON API
    (OpenAPI at /docs, /openapi.json) and, with --token, an upload endpoint."""
    import uvicorn

    from .config import Settings
    from .views.web import create_app

    try:
        application = create_app(Settings.from_env(db), token=token, aliases=aliases)
    except FilrougeError as exc:
        _fail(str(exc))
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/] serving on {host}: reachable from other machines", highlight=False)
    err.print(f"filrouge serving on http://{host}:{port}/ (uploads {'on' if token else 'off'}); Ctrl-C stops",
              highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


def main() -> None:
    try:
        app()
    except FilrougeError as exc:  # last resort: never a traceback for a user error
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
