"""How the report and the web app cope with a large store (issue: "a 10,000-article store opens
its report and app pages in under a few seconds").

Builds a synthetic store of N articles (invented names, 3 sentences and 2 facts each; no spaCy,
so it builds in seconds), then times, against a baseline measured in the same run (listing all
articles from the store, which any view has to do at least once):
  - `filrouge report` (story computed, HTML written) and its size;
  - the story stored as `filrouge ingest` does when it ends (so the app reads it);
  - app requests: /, /api/story, /api/articles (a page deep in the list), /api/search,
    /api/timeline (first page), /api/story again (cached story);
  - with --browser and Chromium present: the time until the report and the app page have
    rendered in headless Chromium (lists are paged, so the DOM stays small).

    python bench/views_10k.py [--articles 10000] [--browser]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from filrouge.config import Settings
from _common import synthetic_article

from filrouge.models import Fact, ParsedDocument
from filrouge.store.repository import Store
from filrouge.story import load_story
from filrouge.story.materialized import refresh
from filrouge.views.report import write_report

ORGS = ["Vireo", "Helix", "Corvex", "Altamar", "Brisa", "Quanto", "Noria", "Tessel"]
FIRST = ["Claire", "Paul", "Anne", "Hugo", "Léa", "Marc", "Inès", "Yves", "Rosa", "Théo"]
LAST = ["Fontaine", "Renard", "Leroy", "Blanc", "Roux", "Olivier", "Morel", "Garnier", "Perrin", "Lambert"]
TYPES = ["appointment", "dismissal", "resignation", "hire", "departure", "return"]


def synth(n: int, seed: int = 7) -> list[ParsedDocument]:
    rnd = random.Random(seed)
    start = date(2024, 1, 1)
    out = []
    for i in range(n):
        org, person = rnd.choice(ORGS), f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        day = start + timedelta(days=rnd.randrange(300))
        et = rnd.choice(TYPES)
        s1 = f"Le conseil d'administration de {org} a annoncé une décision concernant {person} (article {i})."
        s2 = f"{person}, directeur général de {org}, n'a pas commenté."
        s3 = f"La société compte {rnd.randrange(100, 5000)} salariés selon la direction."
        doc, sents = synthetic_article(i, day, f"{org} : nouvelle étape {i}", [s1, s2, s3])
        facts = (Fact(et, 1, sents[1].start, sents[1].end, person=person, org=org, role="CEO", date=day.isoformat(),
                      date_end=day.isoformat(), granularity="day", date_basis="text", date_text="lundi"),
                 Fact("role", 2, sents[2].start, sents[2].end, person=person, org=org, role="CEO",
                      date=day.isoformat(), date_end=day.isoformat(), granularity="day", date_basis="published"))
        out.append(ParsedDocument(doc, tuple(sents), (), b"", facts))
    return out


def timed(fn):
    t = time.perf_counter()
    res = fn()
    return time.perf_counter() - t, res


def browser_load(url: str) -> float | None:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return None
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        return None
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000"):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    try:
        t = time.perf_counter()
        d.get(url)
        WebDriverWait(d, 120).until(lambda drv: drv.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        return time.perf_counter() - t
    finally:
        d.quit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--browser", action="store_true", help="also time rendering in headless Chromium")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'big.db'}"
        store = Store(url)
        docs = synth(args.articles)
        t_build, _ = timed(lambda: [store.write_batch(docs[i:i + 500], {}) for i in range(0, len(docs), 500)])
        print(f"synthetic store: {args.articles} articles, {store.count('facts')} facts (built in {t_build:.1f} s)")
        base, _ = timed(lambda: store.documents())
        print(f"baseline: list all articles from the store      {base:7.3f} s")
        t_story, story = timed(lambda: load_story(store))
        out = Path(tmp) / "story.html"
        t_rep, stats = timed(lambda: write_report(store, story, out))
        print(f"story computed (load_story)                     {t_story:7.3f} s  ratio {t_story / base:6.1f}")
        print(f"report written ({stats['bytes'] / 1e6:.1f} MB)                    {t_rep:7.3f} s  ratio {t_rep / base:6.1f}")

        # what `filrouge ingest` does as it ends: the story kept in the store brought up to date
        t_keep, _ = timed(lambda: refresh(store))
        print(f"story stored (as an ingest ends)               {t_keep:7.3f} s  ratio {t_keep / base:6.1f}")

        from fastapi.testclient import TestClient

        from filrouge.views.web import create_app

        client = TestClient(create_app(Settings(db_url=url)))
        for label, path in [("GET / (page shell)", "/"), ("GET /api/story (first)", "/api/story"),
                            ("GET /api/story (cached story)", "/api/story"),
                            ("GET /api/articles?offset=9000", f"/api/articles?offset={max(0, args.articles - 1000)}&limit=200"),
                            ("GET /api/search?q=conseil", "/api/search?q=conseil"),
                            ("GET /api/timeline?limit=500", "/api/timeline?limit=500")]:
            t, r = timed(lambda p=path: client.get(p))
            assert r.status_code == 200, (path, r.status_code)
            print(f"{label:<46} {t:7.3f} s  ratio {t / base:6.1f}  ({len(r.content) / 1e6:.2f} MB)")
        if args.browser:
            t = browser_load(out.as_uri())
            print("report rendered in Chromium                     " + (f"{t:7.3f} s" if t else "skipped (no chromium)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
