"""The story kept in the store (story/materialized.py): brought up to date for what a batch
changes, it equals the story rebuilt from every fact."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from filrouge.models import CleanDocument, Entity, Fact, Paragraph, ParsedDocument, Sentence
from filrouge.store.repository import Store
from filrouge.story import load_story
from filrouge.story.materialized import MaterializedStory, count_parts, refresh

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def same_story(m: MaterializedStory, full, orgs: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert m.timeline() == full.timeline()
    assert [i.to_json() for i in m.intervals] == [i.to_json() for i in full.intervals]
    assert m.conflicts() == full.conflicts()
    assert m.entities() == full.entities()
    tl = full.timeline()
    assert m.first_events(7) == (tl[:7], len(tl))
    assert m.bars() == full.bars() == [dict(i.to_json(), sources=[], **({"sources_total": len(i.sources)} if i.sources else {}))
                                       for i in full.intervals]
    for org in orgs:
        assert m.timeline(org=org) == full.timeline(org=org)
        assert [i.to_json() for i in m.roles(org)] == [i.to_json() for i in full.roles(org)]
        for role in ("CEO", "chair"):
            for day in ("2023-11-18", "2023-11-20", "2023-11-30", "2024-06-01"):
                at = date.fromisoformat(day)
                assert [i.to_json() for i in m.holders(org, role, at)] == [i.to_json() for i in full.holders(org, role, at)]


def test_example_in_two_halves_equals_a_full_rebuild(tmp_path, settings, components):
    from dataclasses import replace

    from filrouge.ingest.manifest import load_manifest
    from filrouge.pipeline import IngestRun

    url = f"sqlite:///{tmp_path / 'two.db'}"
    manifest = load_manifest(EXAMPLES / "manifest.csv")
    files = sorted(p for p in EXAMPLES.iterdir() if p.name[:2].isdigit())
    store = Store(url)
    s = replace(settings, db_url=url)
    IngestRun(s, store, components, manifest).run(files[:5])
    m = MaterializedStory(store)
    same_story(m, load_story(store), [])
    first = m.timeline()
    IngestRun(s, store, components, manifest).run(files[5:])
    m.sync()  # in place: only the parts the second half touches
    full = load_story(store)
    assert m.timeline() != first
    orgs = sorted({e["org"] for e in full.timeline() if e["org"]})
    assert orgs
    same_story(m, full, orgs)
    # and a fresh reader of the store sees the same
    same_story(MaterializedStory(Store(url)), full, orgs)


# ---- synthetic stores (no spaCy) -------------------------------------------------------------
def article(i: int, org: str, person: str, day: str, et: str, extra: tuple[Fact, ...] = ()) -> ParsedDocument:
    s1 = f"Le conseil de {org} a annoncé une décision concernant {person} ({i})."
    s2 = f"{person}, directeur général de {org}, n'a pas commenté."
    body = f"{s1} {s2}\n"
    sents = [Sentence(0, 0, len(s1), s1), Sentence(1, len(s1) + 1, len(s1) + 1 + len(s2), s2)]
    ents = tuple(Entity(body.index(n, s.start), body.index(n, s.start) + len(n), n, lab)
                 for s in sents for n, lab in ((org, "ORG"), (person, "PER")))
    doc = CleanDocument(origin=f"synthetic/{i}.txt", content_hash=hashlib.sha256(body.encode()).hexdigest(),
                        title=f"{org} {i}", published=day, published_basis="manifest", body=body, comments=(),
                        removed=(), flags=(), language="fr", paragraphs=(Paragraph(0, len(body), "fr"),),
                        url=f"https://news.example/{i}", source=f"outlet-{i % 3}")
    facts = (Fact(et, 0, 0, len(s1), person=person, org=org, role="CEO", date=day, date_end=day, granularity="day",
                  date_basis="text", date_text="lundi"),
             Fact("role", 1, sents[1].start, sents[1].end, person=person, org=org, role="CEO", date=day,
                  date_end=day, granularity="day", date_basis="published")) + extra
    votes = ((person.split()[-1].lower(), 3.0, 0.0, "PER"), (org.lower(), 0.0, 4.0, "ORG"))
    return ParsedDocument(doc, tuple(sents), ents, b"", facts, votes)


ORGS = ["Vireo", "Helix", "Corvex", "Altamar", "Brisa"]
PEOPLE = ["Claire Fontaine", "Paul Renard", "Anne Leroy", "Hugo Blanc", "Léa Roux", "Marc Olivier"]


def batch(start: int, n: int) -> list[ParsedDocument]:
    out = []
    for i in range(start, start + n):
        org = ORGS[i % len(ORGS)]
        person = PEOPLE[(i * 7 + i // 5) % len(PEOPLE)] if i % 4 else PEOPLE[i % len(ORGS)]
        day = f"2024-{1 + i % 12:02d}-{1 + (i * 3) % 27:02d}"
        extra = (Fact("headcount", 0, 0, 10, org=org if i % 3 else None, detail={"value": str(100 + i % 4), "count": 100 + i % 4}),)
        out.append(article(i, org, person, day, ("appointment", "dismissal", "resignation")[i % 3], extra))
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 's.db'}"
    import uuid

    from sqlalchemy.engine import make_url

    u = make_url(request.getfixturevalue("postgres_url"))
    psycopg = pytest.importorskip("psycopg")
    name = f"story_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return u.set(database=name).render_as_string(hide_password=False)


def test_a_batch_recomputes_only_the_parts_it_touches(store_url):
    store = Store(store_url)
    store.write_batch(batch(0, 40), {})
    m = MaterializedStory(store)
    same_story(m, load_story(store), ORGS)
    parts = count_parts(store)
    assert parts >= 2
    # one article about people already at one organisation: not every part is recomputed
    store.write_batch([article(100, "Brisa", "Hugo Blanc", "2024-05-02", "appointment")], {})
    got = refresh(store)
    assert 1 <= got["parts"] < parts
    m.sync()
    same_story(m, load_story(store), ORGS)
    # nothing changed: nothing recomputed
    assert refresh(store) == {"parts": 0, "facts": 0}
    # another batch, then facts replaced (the settle pass, filrouge extract)
    store.write_batch(batch(40, 30), {})
    doc = store.documents(limit=1)[0].id
    store.replace_facts(doc, [Fact("appointment", 0, 0, 10, person="Zoé Martin", org="Corvex", role="CTO",
                                   date="2024-02-02", date_end="2024-02-02", granularity="day", date_basis="text")])
    m.sync()
    same_story(m, load_story(store), ORGS)
    # filrouge extract: everything again
    store.story_stale()
    assert refresh(store)["parts"] == count_parts(store)


def test_a_store_of_schema_3_is_migrated_and_its_story_built(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    store.write_batch(batch(0, 25), {})
    full = load_story(store)
    with store.engine.begin() as conn:  # as a store written before schema 4 was
        for t in ("story_counts", "story_dirty", "story_parts", "story_nodes", "story_names"):
            conn.execute(text(f"DROP TABLE {t}"))
        conn.execute(text("DROP INDEX ix_facts_person"))
        conn.execute(text("DROP INDEX ix_facts_org"))
        conn.execute(text("DELETE FROM meta WHERE key LIKE 'story%'"))
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
    old = Store(url)
    assert old.version() == 5
    same_story(MaterializedStory(old), full, ORGS)


def test_story_commands_read_the_stored_story(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from filrouge.cli import app

    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    store.write_batch(batch(0, 20), {})
    monkeypatch.setenv("FILROUGE_DB", url)
    runner = CliRunner()
    r = runner.invoke(app, ["roles", "Vireo", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["intervals"] == [
        {k: v for k, v in i.to_json().items() if k != "org"} for i in load_story(store).roles("Vireo")]
    store.write_batch([article(300, "Vireo", "Inès Morel", "2024-06-01", "appointment")], {})
    r = runner.invoke(app, ["timeline", "--org", "Vireo", "--json"])
    assert "Inès Morel" in {e["person"] for e in json.loads(r.output)["events"]}
    r = runner.invoke(app, ["roles", "Vireo", "--json"])
    assert r.exit_code == 0 and "Inès Morel" in {i["name"] for i in json.loads(r.output)["intervals"]}
    r = runner.invoke(app, ["roles", "Vireo", "--role", "CEO", "--at", "2024-06-02", "--json"])
    want = load_story(store).holders("Vireo", "CEO", date(2024, 6, 2))
    assert r.exit_code == 0 and [h["name"] for h in json.loads(r.output)["holders"]] == [h.name for h in want]


@pytest.mark.parametrize("n", [0])
def test_an_empty_store_has_an_empty_story(tmp_path, n):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    m = MaterializedStory(store)
    assert (m.timeline(), m.intervals, m.conflicts(), m.entities()) == ([], [], [], [])
    assert m.roles("Vireo") == [] and n == 0


# ---- the resolver kept in the store: the answers of a resolver built from every name ------------
TRICKY_PEOPLE = ["Jo McAllan", "Allan", "Jo", "Paul Renard", "Renard", "Paul", "Anne d'Arcy", "Arcy", "Mme Martin",
                 "Claire Martin", "Marc Olivier", "Olivier", "Inès Van Damme", "Damme", "Léa Roux", "Léa"]
TRICKY_ORGS = ["Acme", "Acme Europe", "Acme Europe SAS", "Groupe Acme", "The Jo Acme Company", "Jo Acme", "Vireo France",
               "Helix France", "France", "Helix", "Corvex Bolt Group", "Bolt", "Paul", "Brisa", "Brisa Labs"]


def tricky(i: int, rnd) -> ParsedDocument:  # type: ignore[no-untyped-def]
    person = rnd.choice(TRICKY_PEOPLE)
    org = rnd.choice(TRICKY_ORGS)
    doc = article(1000 + i, org, person, f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", rnd.choice(["appointment", "resignation"]))
    ents = list(doc.entities)
    # a name the recogniser reads as the other type now and then (the votes settle it)
    if rnd.random() < 0.3:
        e = ents[0]
        ents[0] = Entity(e.start, e.end, e.text, "PER" if e.label == "ORG" else "ORG")
    votes = tuple(v for v in doc.votes if rnd.random() < 0.7)
    from dataclasses import replace
    return replace(doc, entities=tuple(ents), votes=votes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_stored_resolver_answers_as_one_built_from_every_name(tmp_path, seed):
    import random

    from filrouge.extract.lexicon import load_lexicon
    from filrouge.story import resolved

    lex = load_lexicon("fr")
    rnd = random.Random(seed)
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    queries = TRICKY_PEOPLE + TRICKY_ORGS + ["M. Renard", "Acme SA", "Van Damme", "Jo Acme Company", "Inconnu"]
    for b in range(6):
        store.write_batch([tricky(b * 100 + i, rnd) for i in range(rnd.randint(1, 6))], {})
        if b == 3:  # facts replaced: their names' counts go down
            doc = store.documents(limit=1)[0].id
            store.replace_facts(doc, [Fact("appointment", 0, 0, 10, person="Jo", org="Bolt", role="CTO")])
        refresh(store, lex)
        with store._read() as conn:
            full = resolved.resolver_of(conn, None, lex)
        stored = resolved.StoredResolver(lex, store=store)
        for q in queries:
            assert (stored.person(q), stored.org(q), stored.unit(q)) == (full.person(q), full.org(q), full.unit(q)), q
        assert [e.to_json() for e in stored.listing()] == [e.to_json() for e in full.listing()]
        same_story(MaterializedStory(store), load_story(store), ["Acme", "Helix", "Brisa"])
