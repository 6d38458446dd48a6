"""The NLP stage: spaCy over clean bodies, batched with ``nlp.pipe(as_tuples=True)``.

Foreign paragraphs and foreign fragments are blanked (replaced by spaces of the same
length) before parsing, so offsets stay those of the clean body and no foreign text is
parsed as French.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import ConfigError
from ..models import CleanDocument, Entity, ParsedDocument, Sentence, Token

try:
    from spacy.symbols import AUX, VERB

    _VERBAL = frozenset((VERB, AUX))
except ImportError:  # pragma: no cover
    _VERBAL = frozenset()


PARAGRAPHS = "filrouge_paragraphs"
_NO_START = frozenset(",;:)]}»”")
_NO_START = frozenset(",;:)]}»”")


def mark_paragraphs(doc: Any) -> Any:
    """Start a sentence after a line break when the next line starts like a sentence (capital,
    digit, quote, dash or bullet); a line that goes on in lower case or with punctuation
    carries on the sentence.

    Clean bodies keep one paragraph (or heading) per line; without this, a heading with
    no final full stop is parsed as the subject of the next paragraph's first sentence.
    """
    for i in range(len(doc) - 1):
        tok = doc[i]
        if tok.is_space and "\n" in tok.text:
            nxt = doc[i + 1]
            first = nxt.text[:1]
            if first.isupper() or first.isdigit() or first in "«\"“'#*•–—-":
                nxt.is_sent_start = True
    return doc


def load_model(name: str, **kwargs: Any) -> Any:
    import spacy
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=mark_paragraphs)
    try:
        nlp = spacy.load(name, **kwargs)
    except OSError as exc:
        raise ConfigError(f"spaCy model '{name}' is not installed; install it with: pip install {name}") from exc
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


def parse_input(doc: CleanDocument) -> str:
    """The body with every span not in the document's language blanked out."""
    chars = list(doc.body)
    for p in doc.paragraphs:
        spans = [(p.start, p.end)] if p.foreign else [(s, e) for s, e, _ in p.fragments]
        for s, e in spans:
            chars[s:e] = " " * (e - s)
    return "".join(chars)


class Parser:
    """Sentences, tokens (lemma, POS, dependency, morphology) and entities."""

    def __init__(self, model: str = "fr_core_news_md", batch_size: int = 32, nlp: Any = None) -> None:
        self.nlp = nlp if nlp is not None else load_model(model)
        self.batch_size = batch_size

    @property
    def lexicon(self) -> Any:
        return self.nlp.vocab.has_vector

    def __call__(self, docs: Iterable[CleanDocument]) -> Iterator[ParsedDocument]:
        pairs = ((parse_input(d), d) for d in docs)
        for sdoc, d in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield self.to_record(sdoc, d)

    @staticmethod
    def to_record(sdoc: Any, d: CleanDocument) -> ParsedDocument:
        # the token attributes as one array, their strings looked up once per distinct value
        # (a Python access per token and attribute cost a twentieth of the parse)
        from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LEMMA, LENGTH, POS

        rows = sdoc.to_array([IDX, LENGTH, LEMMA, POS, DEP, HEAD, IS_SPACE]).astype("int64").tolist()
        strings = sdoc.vocab.strings
        names: dict[int, str] = {}

        def name(h: int) -> str:
            got = names.get(h)
            if got is None:
                got = names[h] = strings[h & 0xFFFFFFFFFFFFFFFF] if h else ""
            return got

        sentences: list[Sentence] = []
        for i, (a, b, joins) in enumerate(_sentence_spans(sdoc)):
            base = a
            toks = []
            for j in range(a, b):
                idx, length, lemma, pos, dep, head, space = rows[j]
                if space:
                    continue
                # morphology is kept for verbs only (tense, mood): it is what later stages read,
                # and turning every token's morphology into a string costs a tenth of the parse
                toks.append(Token(idx, idx + length, name(lemma), name(pos), "dep" if j in joins else name(dep),
                                  (joins[j] if j in joins else j + head) - base,
                                  str(sdoc[j].morph) if pos in _VERBAL else ""))
            start = rows[a][0]
            end = rows[b - 1][0] + rows[b - 1][1]
            sentences.append(Sentence(i, start, end, d.body[start:end], tuple(toks)))
        ents = tuple(Entity(e.start_char, e.end_char, e.text, e.label_) for e in sdoc.ents if e.text.strip())
        return ParsedDocument(doc=d, sentences=tuple(sentences), entities=ents)


def _sentence_spans(sdoc: Any) -> list[tuple[int, int, dict[int, int]]]:
    """The parser's sentences as token spans, with a piece that starts with a comma, colon,
    semicolon or closing bracket joined to the piece before it on the same line ("Samedi" +
    ", X a limogé Y" is one sentence): the earlier piece's root is attached to the later one's
    (returned as root token -> new head)."""
    spans: list[tuple[int, int, dict[int, int]]] = []
    for sent in sdoc.sents:
        if not sent.text.strip():
            continue
        first = next((t for t in sent if not t.is_space), None)
        if spans and first is not None and first.text[:1] in _NO_START and not sdoc[sent.start - 1].is_space:
            a, _b, joins = spans[-1]
            for t in sdoc[a:sent.start]:
                if t.head.i == t.i:
                    joins[t.i] = sent.root.i
            spans[-1] = (a, sent.end, joins)
        else:
            spans.append((sent.start, sent.end, {}))
    # trailing space tokens are not part of a sentence's text
    out = []
    for a, b, joins in spans:
        while b - 1 > a and sdoc[b - 1].is_space:
            b -= 1
        out.append((a, b, joins))
    return out
