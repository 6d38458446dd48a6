"""Records cross process boundaries pickled as their constructor's arguments (models.py)."""

from __future__ import annotations

import dataclasses
import pickle

from filrouge import models as m


def _parsed() -> m.ParsedDocument:
    body = "Le conseil a nommé Jeanne Dupuis directrice générale."
    clean = m.CleanDocument(
        origin="a.txt", content_hash="h", title="Titre", published="2024-03", published_basis="container",
        body=body, comments=("un commentaire",), removed=(m.Removal("menu", "boilerplate"),), flags=("mojibake",),
        language="fr", paragraphs=(m.Paragraph(0, len(body), "fr", False, ((3, 10, "en"),)),), url="https://x.test/a",
    )
    toks = (m.Token(0, 2, "le", "DET", "det", 1), m.Token(3, 10, "conseil", "NOUN", "nsubj", 3),
            m.Token(11, 12, "avoir", "AUX", "aux:tense", 3, "Mood=Ind|Tense=Pres"),
            m.Token(13, 18, "nommer", "VERB", "ROOT", 3, "Tense=Past|VerbForm=Part"))
    fact = m.Fact(type="appointment", sentence=0, start=0, end=len(body), person="Jeanne Dupuis",
                  role="chief executive", interim=False, detail={"quote": "« oui »", "n": [1, 2]})
    return m.ParsedDocument(doc=clean, sentences=(m.Sentence(0, 0, len(body), body, toks),),
                            entities=(m.Entity(19, 32, "Jeanne Dupuis", "PER"),), minhash=b"\x00\x01",
                            facts=(fact,), votes=(("jeanne dupuis", 1.0, 0.0, "person"),))


def test_records_round_trip_equal():
    p = _parsed()
    for proto in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(p, proto))
        assert back == p
        assert back.facts[0].detail == {"quote": "« oui »", "n": [1, 2]}
        assert back.sentences[0].tokens[2].morph == "Mood=Ind|Tense=Pres"
    raw = m.RawDocument("f.jsonl:3", "html", "<p>x</p>", encoding_flags=("cp1252",))
    assert pickle.loads(pickle.dumps(raw)) == raw
    assert pickle.loads(pickle.dumps(m.Problem("f.txt:2", "bad"))) == m.Problem("f.txt:2", "bad")


def test_reducers_name_every_field_in_constructor_order():
    # a field added later without init, or out of __slots__ order, would be pickled wrong
    reduced = [c for c in vars(m).values()
               if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__reduce__ is not object.__reduce__]
    assert {c.__name__ for c in reduced} >= {"Token", "Sentence", "Entity", "ParsedDocument", "Fact", "CleanDocument"}
    for cls in reduced:
        fields = dataclasses.fields(cls)
        assert all(f.init for f in fields), cls
        assert tuple(f.name for f in fields) == tuple(cls.__slots__), cls


def test_constructor_form_is_smaller_than_state_dicts():
    p = _parsed()
    tok = p.sentences[0].tokens[0]
    cls, args = tok.__reduce__()
    assert cls is m.Token and args == (0, 2, "le", "DET", "det", 1, "")
    assert len(pickle.dumps(p.sentences[0].tokens)) < len(pickle.dumps([dataclasses.asdict(t) for t in p.sentences[0].tokens]))
