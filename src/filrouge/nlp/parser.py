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
        sentences: list[Sentence] = []
        for i, sent in enumerate(s for s in sdoc.sents if s.text.strip()):
            base = sent.start
            # morphology is kept for verbs only (tense, mood): it is what later stages read,
            # and turning every token's morphology into a string costs a tenth of the parse
            toks = tuple(
                Token(t.idx, t.idx + len(t.text), t.lemma_, t.pos_, t.dep_, t.head.i - base,
                      str(t.morph) if t.pos in _VERBAL else "")
                for t in sent if not t.is_space
            )
            start = sent.start_char
            end = sent.end_char
            sentences.append(Sentence(i, start, end, d.body[start:end], toks))
        ents = tuple(Entity(e.start_char, e.end_char, e.text, e.label_) for e in sdoc.ents if e.text.strip())
        return ParsedDocument(doc=d, sentences=tuple(sentences), entities=ents)
