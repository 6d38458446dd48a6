"""Names of people and organisations in one article, typed by vote.

The recogniser's labels are noisy on news text (one name is PER in one sentence, ORG or
MISC in the next), so a name's type is decided once per article by a vote over all of its
mentions grouped by family name: a two-word PER mention counts three times. Mentions with
no proper noun, mentions across lines and generic nouns ("conseil") are dropped.

What is never a name (``names_<lang>.yaml``, see :func:`name_of`): nationality adjectives,
regions and countries, market words, news agencies (sources, not actors), posts and organs
("General Counsel", "Président d'honneur"), sentence pieces. "<post> de X" names X, an
organisation; a nationality before a person's name is dropped ("l'Italien Paolo Rossi").
A name cited only as a source ("selon le Quotidien", "d'après les informations du Courrier")
is not an actor of that article.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..models import Entity, Sentence
from .lexicon import Lexicon, norm

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_ELIDED = re.compile(r"^(?:l|d|qu|j|n|s|c)['\u2019]", re.I)
_GLUED = re.compile(r"(?<=[^\W\d_]{2})\.(?=[A-Z][a-z])|\s*,\s*\d")
_ELIDED_PARTICLE = re.compile(r"^(?:d|l|o|dell|dall|all)'(?=\w)")


def fold(text: str) -> str:
    """Lower case without accents: the key of a name."""
    return _fold_short(text) if len(text) <= 64 else _fold(text)


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", norm(text))
    return "".join(c for c in t if not unicodedata.combining(c))


# words and names: the same ones again and again (a store of 100,000 articles has ~100,000 names:
# a smaller cache is swept clean by each pass over them)
NAME_CACHE = 1 << 18
_fold_short = lru_cache(maxsize=NAME_CACHE)(_fold)


def clean_name(text: str, lex: Lexicon) -> str:
    """A mention's text without titles, elided articles and edge punctuation."""
    t = " ".join(text.split())
    t = _EDGE.sub("", re.split(r"[<>{}\[\]|()]", t, maxsplit=1)[0] if t[:1] not in "<>" else t)
    t = _EDGE.sub("", _GLUED.split(t, maxsplit=1)[0])  # "Acme.Toutefois", "Jean Martin,48"
    t = _ELIDED.sub("", t)
    words = t.split()
    while words and norm(words[0]) in lex.titles:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=NAME_CACHE)
def person_key(name: str) -> str:
    """A person's family name, folded, without an elided particle ("D'Orvalle" -> "orvalle")."""
    words = fold(name).replace("-", " ").split()
    return _ELIDED_PARTICLE.sub("", words[-1]) if words else ""


@lru_cache(maxsize=NAME_CACHE)
def org_key(name: str, lex: Lexicon) -> str:
    """An organisation's folded core name: without legal forms and the generic words of a long
    name ("The Acme Company", "Groupe Acme", "Acme SA" -> "acme")."""
    words = [w for w in fold(org_core(name, lex)).replace(",", " ").split() if w not in lex.legal_forms]
    return re.sub(r"[\s\-.'&]+", "", " ".join(words))


@lru_cache(maxsize=NAME_CACHE)
def name_key(name: str, lex: Lexicon) -> str:
    """The key a name's type votes are kept under: the family name of its core
    ("Acme NV" and "Groupe Acme" vote with "Acme")."""
    return person_key(org_core(name, lex))


# ---- what is a name -----------------------------------------------------------------------

@dataclass(frozen=True)
class NameWords:
    """The vocabulary of ``names_<lang>.yaml``, folded."""

    not_actor: frozenset[str]  # whole names: nationalities (all forms), regions, markets, agencies
    agencies: frozenset[str]
    nationalities: frozenset[str]
    nat_prefixes: frozenset[str]
    region_re: re.Pattern[str]
    role_words: frozenset[str]  # posts, organs and their qualifiers, word by word
    heads_re: re.Pattern[str]  # "<post or organ> de|of " at the start of a folded name
    post_re: re.Pattern[str]  # "<post> " at the start of a folded name, before a capitalised name
    organs: frozenset[str]
    org_words: frozenset[str]
    particles: frozenset[str]
    not_in_names: frozenset[str]
    source_re: re.Pattern[str]  # the folded text before a name ends with a source slot


def _forms(word: str) -> set[str]:
    """A nationality adjective's four forms (masculine, feminine, plurals)."""
    w = fold(word)
    if w.endswith("e"):
        fem = w
    elif w.endswith(("ien", "en", "on")):
        fem = w + "ne"
    else:
        fem = w + "e"
    masc_pl = w if w[-1:] in "sx" else w + "s"
    return {w, fem, masc_pl, fem + "s"}


def _alt(words: Iterable[str]) -> str:
    return "|".join(r"[\s-]+".join(re.escape(p) for p in w.split()) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=8)
def name_words(lex: Lexicon) -> NameWords:
    d = lex.data.get("names") or {}
    get = lambda k: [fold(str(w)) for w in d.get(k) or ()]  # noqa: E731
    nats: set[str] = set()
    for w in get("nationalities"):
        nats |= _forms(w)
    regions = set(get("regions"))
    agencies = set(get("news_agencies"))
    split = lambda s: [w for w in re.split(r"[\s'-]+", s) if w]  # noqa: E731
    surfaces = set(lex.role_of) | set(get("role_heads"))
    organs = set(get("organ_heads")) | {fold(g) for g in lex.generic_org}
    qualifiers = set(get("role_qualifiers"))
    role_words = {w for s in surfaces | organs | qualifiers for w in split(fold(s))}
    linkers = sorted(set(get("role_linkers")), key=len, reverse=True)
    link = "|".join(re.escape(x) if x.endswith("'") else r"\s+".join(map(re.escape, x.split())) + r"\s+"
                    for x in linkers)
    heads = {fold(s) for s in surfaces} | organs
    word = rf"(?:{_alt(role_words)})"
    heads_alt = _alt(heads)
    # a head (post or organ) with qualifiers around it, then a linker: "directrice générale adjointe de "
    heads_re = re.compile(rf"^(?:{word}[\s-]+)*(?:{heads_alt})(?:[\s-]+{word})*\s*(?:{link})\s*")
    post_re = re.compile(rf"^(?:{word}[\s-]+)*(?:{_alt({fold(s) for s in surfaces})})\s+")
    directions = _alt(get("region_directions"))
    region_re = re.compile(rf"^(?:{_alt(regions)})(?:[\s-]+(?:{directions}))?$")
    sources = get("source_slots")
    source_re = re.compile(rf"(?<![\w-])(?:{_alt(sources)})\s*(?:(?:le|la|les|l'|du|des|de|d')\s*)?$") if sources \
        else re.compile(r"(?!)")
    return NameWords(
        not_actor=frozenset(nats | regions | agencies | set(get("market_words"))),
        agencies=frozenset(agencies), nationalities=frozenset(nats),
        nat_prefixes=frozenset(get("nationality_prefixes")), region_re=region_re,
        role_words=frozenset(role_words), heads_re=heads_re, post_re=post_re, organs=frozenset(organs),
        org_words=frozenset(get("org_words")), particles=frozenset(get("particles")),
        not_in_names=frozenset(get("not_in_names")), source_re=source_re)


def _nationality(word: str, nw: NameWords) -> bool:
    """ "Italienne", "italo-brésilien", "Nord-Américains"."""
    w = fold(word)
    if w in nw.nationalities:
        return True
    parts = w.split("-")
    return len(parts) > 1 and all(p in nw.nationalities or p in nw.nat_prefixes for p in parts) and \
        parts[-1] in nw.nationalities


def not_actor(name: str, lex: Lexicon) -> bool:
    """A nationality, a region or country, a market word, a news agency, a post or an organ
    without a name ("Directeur général", "Senior Independent Director"), generic words only."""
    nw = name_words(lex)
    f = fold(name).strip()
    if f in nw.not_actor or nw.region_re.match(f) or f in lex.generic_org:
        return True
    if " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in f.split()) in lex.generic_org:
        return True  # "Conseils d'administration"
    words = [w for w in re.split(r"[\s'\u2019-]+", f) if w]
    if not words or all(w in nw.role_words for w in words) or all(w in nw.org_words for w in words):
        return True
    return all(_nationality(w, nw) for w in f.split())


@lru_cache(maxsize=NAME_CACHE)
def org_core(name: str, lex: Lexicon) -> str:
    """An organisation name without the generic words of its long or legal form at either end:
    "The Acme Company" -> "Acme", "Groupe Acme" -> "Acme", "la société Acme SA" -> "Acme"."""
    nw = name_words(lex)
    words = name.split()
    strip = nw.org_words | lex.legal_forms
    links = {"de", "du", "des", "d'", "of"}
    while len(words) > 1 and (fold(words[0]) in strip or fold(words[0]) in links):
        words = words[1:]
    while len(words) > 1 and (fold(words[-1]).rstrip(",") in strip or fold(words[-1]) in links):
        words = words[:-1]
    if words and fold(words[0])[:2] in ("d'", "l'") and len(words[0]) > 2 and words != name.split():
        words[0] = words[0][2:]
    return " ".join(words)


def _sentence_piece(name: str, nw: NameWords) -> bool:
    words = name.split()
    if len(words) < 2:
        return False
    upper = name.isupper()
    return any((w.islower() or upper) and fold(w) in nw.not_in_names for w in words[1:]) or \
        fold(words[0]) in nw.not_in_names  # "Mais l'ancienne équipe"


@lru_cache(maxsize=NAME_CACHE)
def name_of(text: str, lex: Lexicon) -> tuple[str, str | None] | None:
    """The name a recognised span stands for and a type hint, or None when it is no name.

    "General Counsel de Acme" and "Conseil d'administration d'Acme" -> ("Acme", "ORG");
    "PDG Martin" -> ("Martin", None); "l'Italienne Anna Rossi" -> ("Anna Rossi", None);
    "Acme NV", "Groupe Acme" -> ("Acme NV", "ORG"); "Italien", "Amérique du Nord", "Reuters",
    "Directeur général", "Président d'honneur" -> None."""
    nw = name_words(lex)
    name = clean_name(text, lex)
    hint = None
    for _ in range(4):
        f = fold(name)
        if len(f) != len(name):
            break
        m = nw.heads_re.match(f)
        if m and m.end() < len(name):
            rest = _ELIDED.sub("", name[m.end():]).strip()
            if not rest[:1].isupper():
                return None  # "Comité d'organisation de la succession": an organ, no name
            name, hint = rest, "ORG"
            continue
        m = nw.post_re.match(f)
        if m and m.end() < len(name) and name[m.end()].isupper():
            name = name[m.end():]  # "PDG Martin", "Président Dupont"
            continue
        words = name.split()
        if len(words) > 1 and _nationality(words[0], nw) and words[1][:1].isupper():
            name = " ".join(words[1:])  # "Italien Rossi", "Franco-Belge Lise Dupont"
            continue
        break
    if len(name) < 2 or not (name[:1].isupper() or name[:1].isdigit()) or re.search(r"\w[()]\w", text):
        return None  # "Alt(man": a span cut inside a word
    if not_actor(name, lex) or fold(name) in lex.person_pronouns or lex.role_label(name):
        return None
    if _sentence_piece(name, nw):
        return None
    core = org_core(name, lex)
    if core != name:
        if not_actor(core, lex):
            return None
        stripped = set(map(fold, name.split())) - set(map(fold, core.split()))
        if hint is None and stripped - {"the", "le", "la", "les", "l'"}:
            hint = "ORG"  # "Acme SA", "Groupe Acme", "The Acme Company"; not "Le Maire"
    return name, hint


def is_agency(name: str, lex: Lexicon) -> bool:
    return fold(name) in name_words(lex).agencies


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


def type_votes(items: Iterable[tuple[str, str]], lex: Lexicon | None = None) -> Votes:
    """(name, spaCy label) pairs -> family-name key (:func:`name_key` with ``lex``) -> (PER votes, ORG votes)."""
    votes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for name, label in items:
        k = name_key(name, lex) if lex is not None else person_key(name)
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
        if len(name) < 2 or fold(name) in lex.generic_org or lex.role_label(name) or name_of(name, lex) is None:
            continue
        out.append(Entity(a, a + len(name), name, "ORG"))
        taken.append((a, a + len(name)))
    return out


KNOWN_NAME = 3.0  # store-wide votes that make a name known even where the tagger doubts it


def _split_org_person(body: str, entities: tuple[Entity, ...], lex: Lexicon) -> list[Entity]:
    """"le patron du groupe Velor Jean Morel": the recogniser often takes a company name and the
    person right after it for one person; right after a company noun ("du groupe"), a name of
    three words or more: its first word is the company, the rest the person."""
    out = []
    people = {e.text for e in entities if e.label == "PER"}
    for e in entities:
        words = e.text.split()
        before = norm(body[max(0, e.start - 60):e.start])
        # (taken for an organisation: when the rest is a person the article names elsewhere)
        if len(words) >= 3 and "\n" not in e.text and words[0][:1].isupper() \
                and (e.label == "PER" or " ".join(words[1:]) in people) and lex.company_before_re.search(before):
            cut = e.start + len(words[0])
            rest = body[cut:e.end].lstrip()
            out.append(Entity(e.start, cut, words[0], "ORG"))
            out.append(Entity(e.end - len(rest), e.end, rest, "PER"))
        else:
            out.append(e)
    return out


def article_votes(body: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
                  lex: Lexicon, prior: Votes | None = None) -> tuple[list[tuple[Entity, str]], Votes]:
    """The usable name mentions of one article and its type votes, organisation slots included.
    A mention the tagger gives without a proper noun is kept when the store knows the name."""
    cands, slot_names, slotted = _vote_candidates(body, sentences, entities, lex)
    kept = [(e, name) for e, name, doubtful in cands
            if not doubtful or (prior is not None and sum(prior.get(name_key(name, lex), (0.0, 0.0))) >= KNOWN_NAME)]
    kept += slot_names
    low = norm(body)
    kept = _drop_sources(body, low, kept, lex, _occurrences(body))
    labels = [(name, e.label) for e, name in kept]
    for e, name in kept:
        if e.start in slotted:
            labels.append((name, "SLOT"))
            continue
        if e.label == "PER" and len(name.split()) > 1:
            continue  # "Paul Renard, directeur de X": the full name is a person's
        line_start = body.rfind("\n", 0, e.start) + 1
        before = low[max(line_start, e.start - 80):e.start]
        if lex.org_before_re.search(before) or lex.org_after_re.match(low[e.end:e.end + 40]):
            labels.append((name, "SLOT"))
    return kept, type_votes(labels, lex)


_Candidates = tuple[list[tuple[Entity, str, bool]], list[tuple[Entity, str]], set[int]]
_last_candidates: list[tuple[str, tuple[Sentence, ...], tuple[Entity, ...], _Candidates]] = []


def _vote_candidates(body: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
                     lex: Lexicon) -> _Candidates:
    """The name mentions of an article before the store's votes are read: (entity, name,
    doubtful: kept only when the store knows the name), the names found in organisation slots,
    and the starts of "<post> de X" spans. An article's votes are read several times (against
    the store's votes, the run's, none): this part is worked out once (the last few kept)."""
    for b, s, e, got in _last_candidates:
        if b is body and s is sentences and e is entities:
            return got
    tokens = {t.start: t for s in sentences for t in s.tokens}
    offsets = sorted(tokens)
    sent_starts = {s.tokens[0].start for s in sentences if s.tokens}
    cands: list[tuple[Entity, str, bool]] = []
    slotted: set[int] = set()  # "<post> de X" spans: X is an organisation
    for e in _split_org_person(body, entities, lex):
        if "\n" in e.text or e.label not in ("PER", "ORG", "MISC", "LOC"):
            continue
        got = name_of(e.text, lex)
        if got is None:
            continue
        name, hint = got
        if hint == "ORG":
            at = e.text.find(name)
            e = Entity(e.start + max(at, 0), e.end, name, "ORG")
            slotted.add(e.start)
        toks = [tokens[off] for off in offsets[bisect_left(offsets, e.start):bisect_left(offsets, e.end)]]
        proper = any(t.pos == "PROPN" for t in toks)
        doubtful = not proper and (e.start in sent_starts or len(toks) == 1 and toks[0].pos not in ("NOUN", "X"))
        cands.append((e, name, doubtful))
    slots = [(e, e.text) for e in _slot_names(body, lex, [(e.start, e.end) for e in entities])]
    result = (cands, slots, slotted)
    _last_candidates.insert(0, (body, sentences, entities, result))
    del _last_candidates[8:]
    return result


class _Occurrences:
    r"""Where a name occurs in a text as a whole word (the spans ``re.finditer`` gives for
    ``(?<![\w-])NAME(?![\w-])``), found through an index of the words of the text, built once:
    linear in the text for any number of names."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: dict[str, list[int]] | None = None
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def spans(self, name: str) -> list[tuple[int, int]]:
        runs = [(m.start(), m.group()) for m in _WORD.finditer(name)]
        if not runs or runs[0][0] != 0:  # a name that does not start with a word character
            return [h.span() for h in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", self.text)]
        if self._words is None:
            self._words = defaultdict(list)
            for w in _WORD.finditer(self.text):
                self._words[w.group()].append(w.start())
        # each word of a whole-word occurrence of the name is a whole word of the text: look
        # only where the name's rarest word is, leftmost first, not overlapping
        at, word = min(runs, key=lambda r: len(self._words.get(r[1], ())))  # type: ignore[union-attr]
        text, n = self.text, len(name)
        out: list[tuple[int, int]] = []
        until = 0
        for p in self._words.get(word, ()):
            a = p - at
            if (a >= until and text.startswith(name, a) and not (a and _WORD_OR_HYPHEN.match(text, a - 1))
                    and not _WORD_OR_HYPHEN.match(text, a + n)):
                out.append((a, a + n))
                until = a + n
        return out


_WORD = re.compile(r"\w+")
# an article's index, shared by the several readings of its names in one worker (votes
# against the run's base, against the guess, the extraction)
_occurrences = lru_cache(maxsize=4)(_Occurrences)
_WORD_OR_HYPHEN = re.compile(r"[\w-]")


def _drop_sources(body: str, low: str, kept: list[tuple[Entity, str]], lex: Lexicon,
                  occurrences: _Occurrences | None = None) -> list[tuple[Entity, str]]:
    """Names the article only ever cites as a source ("selon le Courrier", "d'après les
    informations du Quotidien", "a déclaré à la Gazette") are not its actors. A full name the
    recogniser calls a person stays a person ("selon Jules Martin")."""
    nw = name_words(lex)
    occurrences = occurrences or _Occurrences(body)
    fbody = occurrences.folded if len(occurrences.folded) == len(body) else low
    verdict: dict[str, bool] = {}
    out = []
    for e, name in kept:
        if e.label == "PER" and len(name.split()) > 1:
            out.append((e, name))
            continue
        if name not in verdict:
            hits = [a for a, _b in occurrences.spans(name)]
            verdict[name] = bool(hits) and all(
                nw.source_re.search(fbody[max(body.rfind("\n", 0, a) + 1, a - 60):a]) for a in hits)
        if not verdict[name]:
            out.append((e, name))
    return out


def find_mentions(body: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
                  lex: Lexicon, prior: Votes | None = None) -> list[Mention]:
    kept, votes = article_votes(body, sentences, entities, lex, prior)
    types = decide(votes, prior)
    out: list[Mention] = []
    for e, name in kept:
        kind = types.get(name_key(name, lex))
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
    # the characters mentions cover (a mention that covers none is kept aside as a pair)
    covered = bytearray(len(body) + 1)
    empty: list[tuple[int, int]] = []

    def take(s: int, e: int) -> None:
        if s < e:
            covered[max(s, 0):max(e, 0)] = b"\x01" * (max(e, 0) - max(s, 0))
        else:
            empty.append((s, e))

    def overlaps(a: int, b: int) -> bool:
        return covered.find(1, a, b) >= 0 or any(a < e and s < b for s, e in empty)

    for m in found:
        take(m.start, m.end)
    occurrences = _occurrences(body)
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
        for a, b in occurrences.spans(name):
            if overlaps(a, b):
                continue
            take(a, b)
            out.append(Mention(a, b, name, ref.kind, ref.key))
    return out
