"""Names of people and organisations in one article, typed by vote.

The recogniser's labels are noisy on news text (one name is PER in one sentence, ORG or
MISC in the next), so a name's type is decided once per article by a vote over all of its
mentions grouped by family name: a two-word PER mention counts three times. Mentions with
no proper noun, mentions across lines and generic nouns ("conseil") are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Entity, Sentence
from .lexicon import Lexicon, norm

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_ELIDED = re.compile(r"^(?:l|d|qu|j|n|s|c)['\u2019]", re.I)


def fold(text: str) -> str:
    """Lower case without accents: the key of a name."""
    t = unicodedata.normalize("NFKD", norm(text))
    return "".join(c for c in t if not unicodedata.combining(c))


def clean_name(text: str, lex: Lexicon) -> str:
    """A mention's text without titles, elided articles and edge punctuation."""
    t = " ".join(text.split())
    t = _EDGE.sub("", re.split(r"[<>{}\[\]|]", t, maxsplit=1)[0] if t[:1] not in "<>" else t)
    t = _ELIDED.sub("", t)
    words = t.split()
    while words and norm(words[0]) in lex.titles:
        words = words[1:]
    return " ".join(words)


def person_key(name: str) -> str:
    words = fold(name).replace("-", " ").split()
    return words[-1] if words else ""


def org_key(name: str, lex: Lexicon) -> str:
    words = [w for w in fold(name).replace(",", " ").split() if w not in lex.legal_forms]
    return re.sub(r"[\s\-.'&]+", "", " ".join(words))


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str  # cleaned name
    kind: str  # PER | ORG
    key: str  # family name (PER) or folded name (ORG)


Votes = dict[str, tuple[float, float]]  # family-name key -> (person votes, organisation votes)

SLOT_WEIGHT = 3.0  # an organisation slot ("PDG de X") weighs like a two-word PER mention
_CAP_NAME = re.compile(r"[^\W\d_][\w&.\-]*(?:[ \u00a0][^\W\d_][\w&.\-]*){0,3}")


def type_votes(items: Iterable[tuple[str, str]]) -> Votes:
    """(name, spaCy label) pairs -> family-name key -> (PER votes, ORG votes)."""
    votes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for name, label in items:
        k = person_key(name)
        if not k:
            continue
        if label == "PER":
            votes[k][0] += 3 if len(name.split()) > 1 else 1
        elif label in ("ORG", "MISC"):
            votes[k][1] += 1
        elif label == "SLOT":
            votes[k][1] += SLOT_WEIGHT
        else:
            votes[k]  # LOC alone decides nothing, but the key is known
    return {k: (v[0], v[1]) for k, v in votes.items()}


def decide(votes: Votes, prior: Votes | None = None) -> dict[str, str]:
    """The type of each key: the store-wide votes (``prior``) when known, else this article's."""
    out = {}
    for k, local in votes.items():
        per, org = prior[k] if prior and k in prior else local
        if per or org:
            out[k] = "PER" if per >= org else "ORG"
    return out


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _slot_names(body: str, lex: Lexicon, taken: list[tuple[int, int]]) -> list[Entity]:
    """Capitalised names in an organisation slot that the recogniser did not tag at all."""
    out: list[Entity] = []
    for slot in lex.org_slot_re.finditer(norm(body)):
        a = slot.end()
        m = _CAP_NAME.match(body, a)
        if not m or not _capitalised(m.group()) or any(s <= a < e for s, e in taken):
            continue
        words = []
        for w in m.group().split():
            if not _capitalised(w):
                break
            words.append(w)
        name = _EDGE.sub("", " ".join(words))
        if len(name) < 2 or fold(name) in lex.generic_org or lex.role_label(name):
            continue
        out.append(Entity(a, a + len(name), name, "ORG"))
        taken.append((a, a + len(name)))
    return out


KNOWN_NAME = 3.0  # store-wide votes that make a name known even where the tagger doubts it


def article_votes(body: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
                  lex: Lexicon, prior: Votes | None = None) -> tuple[list[tuple[Entity, str]], Votes]:
    """The usable name mentions of one article and its type votes, organisation slots included.
    A mention the tagger gives without a proper noun is kept when the store knows the name."""
    tokens = {t.start: t for s in sentences for t in s.tokens}
    sent_starts = {s.tokens[0].start for s in sentences if s.tokens}
    kept: list[tuple[Entity, str]] = []
    for e in entities:
        if "\n" in e.text or e.label not in ("PER", "ORG", "MISC", "LOC"):
            continue
        name = clean_name(e.text, lex)
        if len(name) < 2 or not name[:1].isupper() and not name[:1].isdigit():
            continue
        if fold(name) in lex.generic_org or lex.role_label(name) or fold(name) in lex.person_pronouns:
            continue
        toks = [t for off, t in tokens.items() if e.start <= off < e.end]
        proper = any(t.pos == "PROPN" for t in toks)
        known = prior is not None and sum(prior.get(person_key(name), (0.0, 0.0))) >= KNOWN_NAME
        if not proper and not known and (e.start in sent_starts or len(toks) == 1 and toks[0].pos not in ("NOUN", "X")):
            continue
        kept.append((e, name))
    kept += [(e, e.text) for e in _slot_names(body, lex, [(e.start, e.end) for e in entities])]
    low = norm(body)
    labels = [(name, e.label) for e, name in kept]
    for e, name in kept:
        if e.label == "PER" and len(name.split()) > 1:
            continue  # "Paul Renard, directeur de X": the full name is a person's
        line_start = body.rfind("\n", 0, e.start) + 1
        before = low[max(line_start, e.start - 80):e.start]
        if lex.org_before_re.search(before) or lex.org_after_re.match(low[e.end:e.end + 40]):
            labels.append((name, "SLOT"))
    return kept, type_votes(labels)


def find_mentions(body: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
                  lex: Lexicon, prior: Votes | None = None) -> list[Mention]:
    kept, votes = article_votes(body, sentences, entities, lex, prior)
    types = decide(votes, prior)
    out: list[Mention] = []
    for e, name in kept:
        kind = types.get(person_key(name))
        if kind is None:
            continue
        # a name tagged PER with two or more words is a person even if its family name votes ORG
        if e.label == "PER" and len(name.split()) > 1:
            kind = "PER"
        key = person_key(name) if kind == "PER" else org_key(name, lex)
        if key:
            off = e.start + e.text.find(name.split()[0]) if name.split()[0] in e.text else e.start
            out.append(Mention(off, e.end, name, kind, key))
    return sorted(out + _propagate(body, out), key=lambda m: m.start)


def _propagate(body: str, found: list[Mention]) -> list[Mention]:
    """One name, one meaning per article: every other occurrence of a recognised name (and
    of a person's family name) becomes a mention too; the recogniser misses many."""
    taken = [(m.start, m.end) for m in found]
    names: dict[str, Mention] = {}
    for m in found:
        names.setdefault(m.text, m)
        if m.kind == "PER" and len(m.text.split()) > 1:
            names.setdefault(m.text.split()[-1], m)
    out: list[Mention] = []
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 3:
            continue
        ref = names[name]
        for hit in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", body):
            a, b = hit.start(), hit.end()
            if any(a < e and s < b for s, e in taken):
                continue
            taken.append((a, b))
            out.append(Mention(a, b, name, ref.kind, ref.key))
    return out
