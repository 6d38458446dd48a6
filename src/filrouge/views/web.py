"""``filrouge serve``: the story views as a FastAPI app over the store.

The page is the report's page with its script and styles served from ``/static`` (so the
Content-Security-Policy allows no inline script at all) and its data read from the JSON API.
The story is recomputed when the store changes (new articles, re-extraction), so what an
upload adds shows up without a restart. Uploads are off unless a token is configured.
"""

from __future__ import annotations

import hmac
import re
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..config import Settings
from ..errors import FilrougeError
from ..extract.lexicon import load_lexicon
from ..extract.mentions import fold
from ..store.repository import Store
from ..story import load_story
from ..story.build import Story
from ..story.materialized import MaterializedStory
from .payload import event_dates, fold_duplicates, interval_bounds, story_payload
from .render import page

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ARTICLES_PAGE = 200
EVENTS_PAGE = 2000  # events sent with the page; filters fetch the others from /api/timeline
BAR_SOURCES = 0  # sources sent with each role bar (a count only): opening the bar fetches them
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class StoryCache:
    """The story of the store, followed when the store changes: the story kept in the store
    (only the parts a new batch touches are recomputed and read again), or with an alias
    file the story built in full."""

    def __init__(self, store: Store, aliases: Path | None) -> None:
        self.store = store
        self.aliases = aliases
        self._lock = threading.Lock()
        self._key: tuple[int, int, int] | None = None
        self._story: Story | MaterializedStory | None = None

    def get(self) -> Story | MaterializedStory:
        key = self.store.state()
        with self._lock:
            if self._story is None or key != self._key:
                if self.aliases:
                    self._story = load_story(self.store, self.aliases)
                elif isinstance(self._story, MaterializedStory):
                    self._story.sync()
                else:
                    self._story = MaterializedStory(self.store)
                self._key = key
            return self._story


def marks(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of ``text`` matching the query's words (case and accents ignored), for highlighting."""
    folded = fold(text)
    if len(folded) != len(text):  # a character that folds to several: highlight nothing rather than wrong
        return []
    spans = []
    for word in {w for w in re.findall(r"\w+", fold(query)) if w}:
        for m in re.finditer(rf"(?<!\w){re.escape(word)}\w*", folded):
            spans.append((m.start(), m.end()))
    spans.sort()
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: expected YYYY-MM-DD, got {value!r}") from None


def create_app(settings: Settings, *, token: str | None = None, aliases: Path | None = None,
               components: Any = None) -> FastAPI:
    store = Store(settings.db_url)
    load_lexicon("fr")  # the vocabulary is read at start, not by the first request
    cache = StoryCache(store, aliases)
    app = FastAPI(title="filrouge", version=__import__("filrouge").__version__,
                  description="The story told by the stored articles: timeline, roles, conflicts, "
                              "entities, articles and full-text search. Every item carries its sources.")
    app.mount("/static", StaticFiles(packages=[("filrouge.views", "static")]), name="static")
    state: dict[str, Any] = {"components": components}
    ingest_lock = threading.Lock()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if request.url.path.startswith(("/docs", "/redoc")):
            # the interactive API docs load their own script: they get a looser policy of their own
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
                "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:")
        else:
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(FilrougeError)
    async def filrouge_error(_request: Request, exc: FilrougeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        # the page shell only: the script names the story once the data has come
        return HTMLResponse(page(report=False, title="Story"))

    @app.get("/api/story", summary="Everything the page shows (articles: first page)")
    def api_story() -> dict[str, Any]:
        story = cache.get()
        first, total = story.first_events(EVENTS_PAGE)
        payload = story_payload(store, story, articles=False, events=first, context=False, bar_sources=BAR_SOURCES)
        payload["events_total"] = total
        payload["articles"] = fold_duplicates(store.documents(limit=ARTICLES_PAGE))
        payload["articles_total"] = store.count("documents")
        return payload

    @app.get("/api/timeline", summary="Events in date order, with filters and paging")
    def api_timeline(org: str | None = None, person: str | None = None,
                     type: Annotated[list[str] | None, Query()] = None,
                     from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None,
                     offset: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict[str, Any]:
        story = cache.get()
        events = story.timeline(org, person, _day(from_, "from"), _day(to, "to"), set(type) if type else None)
        page_ = events[offset:offset + limit]
        for n, ev in enumerate(page_):
            ev["id"] = offset + n
            event_dates(ev)
        return {"total": len(events), "offset": offset, "events": page_}

    @app.get("/api/roles/{org}", summary="Role intervals of an organisation, or who held a role on a day")
    def api_roles(org: str, role: str | None = None, at: str | None = None) -> dict[str, Any]:
        story = cache.get()
        day = _day(at, "at")
        if day is not None:
            if not role:
                raise HTTPException(422, "at needs role")
            return {"org": story.resolver.org(org), "role": role, "at": at,
                    "holders": [interval_bounds(h.to_json()) for h in story.holders(org, role, day)]}
        return {"org": story.resolver.org(org),
                "intervals": [interval_bounds(i.to_json()) for i in story.roles(org, role)]}

    @app.get("/api/conflicts", summary="Conflicts (sources disagree) and updates (values moved on)")
    def api_conflicts() -> dict[str, Any]:
        return {"conflicts": cache.get().conflicts()}

    @app.get("/api/entities", summary="People and organisations with aliases and roles")
    def api_entities() -> dict[str, Any]:
        return {"entities": cache.get().entities()}

    @app.get("/api/articles", summary="Articles in store order, copies folded under their original")
    def api_articles(offset: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=1000)] = ARTICLES_PAGE) -> dict[str, Any]:
        return {"total": store.count("documents"), "offset": offset,
                "articles": fold_duplicates(store.documents(limit=limit, offset=offset))}

    @app.get("/api/articles/{doc_id}", summary="One article: clean text, what the cleaner removed, metadata")
    def api_article(doc_id: str) -> dict[str, Any]:
        if not re.fullmatch(r"[0-9a-f]{6,64}", doc_id):
            raise HTTPException(404, "no such article")
        doc = store.document(doc_id)
        if doc is None:
            raise HTTPException(404, "no such article")
        return {k: doc[k] for k in ("id", "title", "source", "published", "published_basis", "url", "language",
                                    "word_count", "duplicate_of", "body", "removed", "flags")} | {
            "comments": len(doc["comments"])}

    @app.get("/api/search", summary="Full-text search over sentences (FTS5 / tsvector), with hit spans")
    def api_search(q: Annotated[str, Query(min_length=1, max_length=200)],
                   limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
        rows = store.search(q, limit)
        docs = {d.id: d for d in store.documents(ids={r["doc_id"] for r in rows})} if rows else {}
        hits = []
        for r in rows:
            d = docs.get(r["doc_id"])
            hits.append({"doc": r["doc_id"], "sentence": r["idx"], "start": r["start"], "end": r["end"],
                         "text": r["text"], "marks": marks(r["text"], q),
                         "title": d.title if d else None, "source": d.source if d else None,
                         "published": d.published if d else None})
        return {"query": q, "hits": hits}

    @app.post("/api/ingest", summary="Ingest uploaded articles (needs the configured token)")
    def api_ingest(files: Annotated[list[UploadFile], File()],
                   authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        if not token:
            raise HTTPException(403, "uploads are off: start `filrouge serve` with --token or FILROUGE_TOKEN")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "wrong or missing token (Authorization: Bearer <token>)")
        from ..pipeline import Components, IngestRun

        with ingest_lock, tempfile.TemporaryDirectory(prefix="filrouge-upload-") as tmp:
            paths = []
            for n, f in enumerate(files):
                name = Path(f.filename or f"upload-{n}.txt").name or f"upload-{n}.txt"
                data = f.file.read(MAX_UPLOAD_BYTES + 1)
                if len(data) > MAX_UPLOAD_BYTES:
                    raise HTTPException(413, f"{name}: larger than {MAX_UPLOAD_BYTES} bytes")
                p = Path(tmp) / f"{n:04d}-{name}"
                p.write_bytes(data)
                paths.append(p)
            if state["components"] is None:
                state["components"] = Components(settings)
            report = IngestRun(settings, store, state["components"]).run([Path(tmp)])
        out = report.to_json()
        out["problems"] = [p.replace(tmp + "/", "") for p in out["problems"]]
        return out

    return app
