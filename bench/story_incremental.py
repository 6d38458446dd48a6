"""The story kept in the store on a large synthetic store (issue 10, item 5): `roles ORG --at D`
≤ 1 s, the app's first page ≤ 2 s, a newly ingested article visible in `roles`, `timeline` and
the app ≤ 1 s after its ingest commits, each next to a full rebuild measured in the same run.

Builds a store of N synthetic articles (invented names; no spaCy): each article tells one
event and one role statement about a person at one of many organisations, with the entity
mentions and name votes an ingest would store, so the name resolver has real work. Then:
  - the first full build of the stored story (what a store migrated to schema 4 does once),
    and `load_story` (the story rebuilt from every fact, as before);
  - `filrouge roles ORG --role CEO --at D` and `filrouge timeline --org ORG` as subprocesses
    (the whole command, Python start included);
  - the app (TestClient, fresh app, story already stored): GET / then GET /api/story;
  - one new article written with Store.write_batch (one transaction, as ingest does), then the
    time until `roles`, `timeline` (in process, a fresh MaterializedStory as a command
    builds it) and the running app (/api/roles, /api/timeline) show it.

    python bench/story_incremental.py [--articles 100000] [--orgs 2000] [--db PATH] [--no-full]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from filrouge.config import Settings
from _common import synthetic_article

from filrouge.models import Entity, Fact, ParsedDocument
from filrouge.store.repository import Store
from filrouge.story import load_story
from filrouge.story.materialized import MaterializedStory, count_parts, refresh

SYLL = ["ve", "ro", "ca", "lix", "tar", "no", "bri", "qua", "mel", "dor", "sen", "pa", "vi", "lo", "ter", "zan"]
FIRST = ["Claire", "Paul", "Anne", "Hugo", "Léa", "Marc", "Inès", "Yves", "Rosa", "Théo", "Lina", "Omar"]
TYPES = ["appointment", "dismissal", "resignation", "hire", "departure", "return"]


def org_name(i: int) -> str:
    rnd = random.Random(i)
    return "".join(rnd.choice(SYLL) for _ in range(3)).capitalize() + f" {SYLL[i % 16].upper()}{i}"


def family(i: int) -> str:
    rnd = random.Random(10_000 + i)
    return "".join(rnd.choice(SYLL) for _ in range(3)).capitalize() + SYLL[i % 16] + f"{i}"


def article(i: int, org: str, person: str, day: date, et: str) -> ParsedDocument:
    s1 = f"Le conseil d'administration de {org} a annoncé une décision concernant {person} (article {i})."
    s2 = f"{person}, directeur général de {org}, n'a pas commenté."
    doc, sents = synthetic_article(i, day, f"{org} : nouvelle étape {i}", [s1, s2])
    body = doc.body
    ents = []
    for k in (1, 2):
        s = sents[k]
        for name, label in ((org, "ORG"), (person, "PER")):
            a = body.index(name, s.start)
            ents.append(Entity(a, a + len(name), name, label))
    facts = (Fact(et, 1, sents[1].start, sents[1].end, person=person, org=org, role="CEO", date=day.isoformat(),
                  date_end=day.isoformat(), granularity="day", date_basis="text", date_text="lundi"),
             Fact("role", 2, sents[2].start, sents[2].end, person=person, org=org, role="CEO",
                  date=day.isoformat(), date_end=day.isoformat(), granularity="day", date_basis="published"))
    votes = ((person.split()[-1].lower(), 3.0, 0.0, "PER"), (org.split()[0].lower(), 0.0, 4.0, "ORG"))
    return ParsedDocument(doc, tuple(sents), tuple(ents), b"", facts, votes)


def synth(n: int, orgs: int, seed: int = 7) -> list[ParsedDocument]:
    """N articles over ``orgs`` organisations, each with its own few people (the people of an
    organisation stay there: a story per organisation, as in a crawl of many companies)."""
    rnd = random.Random(seed)
    start = date(2020, 1, 1)
    out = []
    for i in range(n):
        o = rnd.randrange(orgs)
        person = f"{FIRST[(o + i) % len(FIRST)]} {family(o * 4 + rnd.randrange(4))}"
        out.append(article(i, org_name(o), person, start + timedelta(days=rnd.randrange(1500)), rnd.choice(TYPES)))
    return out


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    res = fn()
    return time.perf_counter() - t, res


def command(url: str, *args: str) -> tuple[float, str]:
    env = dict(os.environ, FILROUGE_DB=url)
    t = time.perf_counter()
    exe = Path(sys.executable).with_name("filrouge")
    p = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"filrouge {' '.join(args)} failed: {p.stderr.strip()}")
    return dt, p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--orgs", type=int, default=2_000)
    ap.add_argument("--db", type=Path, help="keep the store at this path (default: a temporary folder)")
    ap.add_argument("--no-full", dest="full", action="store_false",
                    help="skip the full rebuild (quadratic at 100,000 articles: ~15 min); ratios are then "
                         "against listing every article of the store, measured in the same run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "big.db"
        url = f"sqlite:///{path}"
        store = Store(url)
        if store.count("documents") < args.articles:
            docs = synth(args.articles, args.orgs)
            t_build, _ = timed(lambda: [store.write_batch(docs[i:i + 1000], {}) for i in range(0, len(docs), 1000)])
            print(f"synthetic store: {args.articles} articles, {store.count('facts')} facts, "
                  f"{args.orgs} organisations (written in {t_build:.0f} s)")
        if args.full:
            t_full, full = timed(lambda: load_story(store))
            print(f"full rebuild (load_story, the story from every fact)  {t_full:7.2f} s  = 1.00")
        else:
            t_full, full = timed(lambda: store.documents())
            print(f"baseline: list every article of the store            {t_full:7.2f} s  = 1.00")
        t_first, got = timed(lambda: refresh(store))
        print(f"first build of the stored story ({count_parts(store)} parts)       {t_first:7.2f} s  "
              f"= {t_first / t_full:.2f}  ({got['facts']} facts)")
        org, person = org_name(3), None
        at = "2024-06-01"
        t_roles, out = command(url, "roles", org, "--role", "CEO", "--at", at, "--json")
        print(f"`filrouge roles ORG --role CEO --at D` (whole command)    {t_roles:7.2f} s  = {t_roles / t_full:.3f}")
        t_tl, _ = command(url, "timeline", "--org", org, "--json")
        print(f"`filrouge timeline --org ORG` (whole command)            {t_tl:7.2f} s  = {t_tl / t_full:.3f}")

        from fastapi.testclient import TestClient

        from filrouge.views.web import create_app

        client = TestClient(create_app(Settings(db_url=url)))
        t_shell, r = timed(lambda: client.get("/"))
        t_story, r = timed(lambda: client.get("/api/story"))
        assert r.status_code == 200
        print(f"app first page: GET / + GET /api/story ({len(r.content) / 1e6:.1f} MB)   {t_shell + t_story:7.2f} s  "
              f"= {(t_shell + t_story) / t_full:.3f}")
        t_story2, r = timed(lambda: client.get("/api/story"))
        print(f"app: GET /api/story again                              {t_story2:7.2f} s  = {t_story2 / t_full:.3f}")

        # one new article about a new person at an existing organisation
        # (a new one at each run: a kept store (--db) already holds the last run's)
        n_docs = store.count("documents")
        newbie = f"Zoé {family(999_999 + n_docs)}"
        doc = article(n_docs + 1, org, newbie, date(2024, 5, 2), "appointment")
        t0 = time.perf_counter()
        assert store.write_batch([doc], {}), "the new article was not stored"
        t_commit = time.perf_counter() - t0
        t_roles_new, story = timed(lambda: MaterializedStory(store))
        holders = story.holders(org, "CEO", date.fromisoformat(at))
        seen_roles = time.perf_counter() - t0 - t_commit
        tl = story.timeline(org=org)
        seen_tl = time.perf_counter() - t0 - t_commit
        r1 = client.get(f"/api/roles/{org}", params={"role": "CEO", "at": at})
        r2 = client.get("/api/timeline", params={"org": org, "limit": 5000})
        seen_app = time.perf_counter() - t0 - t_commit
        ok = (newbie in {h.name for h in holders}, newbie in {e["person"] for e in tl},
              newbie in {h["name"] for h in r1.json()["holders"]}, newbie in {e["person"] for e in r2.json()["events"]})
        print(f"new article committed in {t_commit:.2f} s; visible after the commit in:")
        print(f"  roles (refresh + read)                                {seen_roles:7.2f} s  = {seen_roles / t_full:.3f}")
        print(f"  timeline                                              {seen_tl:7.2f} s  = {seen_tl / t_full:.3f}")
        print(f"  the running app (/api/roles, /api/timeline)           {seen_app:7.2f} s  = {seen_app / t_full:.3f}")
        print(f"  shown in roles, timeline, app roles, app timeline: {ok}")
        t_cmd, out = command(url, "roles", org, "--role", "CEO", "--at", at, "--json")
        print(f"  `filrouge roles` command afterwards                   {t_cmd:7.2f} s  (shows it: {newbie in out})")
        del full
    return 0


if __name__ == "__main__":
    sys.exit(main())
