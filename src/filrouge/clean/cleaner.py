"""The cleaning stage: RawDocument -> CleanDocument.

    repair encoding -> (HTML: trafilatura main text) -> furniture, datelines, comments,
    repeated lines and blocks -> publication date and its basis -> paragraph languages
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..config import Settings
from ..errors import InputError
from ..lang import load_furniture
from ..models import CleanDocument, Paragraph, Problem, RawDocument, Removal
from .dates import refine_published, date_from_url, normalise_iso
from .encoding import Lexicon, MojibakeRepairer
from .html import extract_html
from .language import LanguageIdentifier
from .text import TextCleaner


def spacy_lexicon(model: str) -> Lexicon:
    """The vocabulary of a spaCy model (its vector table's keys), as ``word -> bool``."""
    import spacy

    nlp = spacy.load(model, exclude=["tok2vec", "morphologizer", "tagger", "parser", "senter", "ner",
                                     "attribute_ruler", "lemmatizer"])
    vocab = nlp.vocab
    return vocab.has_vector


class Cleaner:
    """Cleans raw documents. Build it once per run: it holds the language detector and
    the lexicon used to check encoding repairs."""

    def __init__(self, settings: Settings, lexicon: Lexicon | None = None) -> None:
        self.settings = settings
        furniture = load_furniture(settings.furniture_languages)
        self.text_cleaner = TextCleaner(furniture)
        self.repairer = MojibakeRepairer(lexicon or spacy_lexicon(settings.spacy_model))
        self.languages = LanguageIdentifier(settings.detect_languages)

    def __call__(self, docs: Iterable[RawDocument]) -> Iterator[CleanDocument | Problem]:
        for raw in docs:
            try:
                yield self.clean(raw)
            except InputError as exc:
                yield Problem(exc.where, exc.message)

    def clean(self, raw: RawDocument) -> CleanDocument:
        flags: list[str] = list(raw.encoding_flags)
        removed: list[Removal] = []
        title = raw.title
        comments: list[str] = []
        published: str | None = None
        basis = "none"
        if raw.kind == "html":
            ext = extract_html(raw.content, raw.url, raw.origin)
            text, fixes = self.repairer.repair(ext.text)
            flags.extend(fixes)
            res = self.text_cleaner.clean(text, page_tail=False, comment_section=False)
            if ext.comments.strip():
                ctext, _ = self.repairer.repair(ext.comments)
                comments.extend(c for c in ctext.split("\n") if c.strip())
            title = title or ext.title or res.title
            if ext.date and normalise_iso(ext.date):
                published, basis = normalise_iso(ext.date), "html meta"
            if not raw.content.rstrip().lower().endswith("</html>"):
                flags.append("html possibly truncated")
        else:
            text, fixes = self.repairer.repair(raw.content)
            flags.extend(fixes)
            res = self.text_cleaner.clean(text)
            title = title or res.title
            if res.published:
                published, basis = res.published, "text"
        comments.extend(res.comments)
        removed.extend(res.removed)
        flags.extend(res.flags)
        url_date = date_from_url(raw.url) if published is None else None
        if url_date:
            published, basis = url_date, "url"
        given = normalise_iso(raw.published) if raw.published else None
        if given:
            # the manifest (or the container's own metadata) wins when given, unless it states
            # only a month or a year and the page itself (its dateline, its address) names a
            # day inside that period: that day is kept, with where it came from
            finer = refine_published(given, published, raw.url)
            if finer is not None:
                published, basis = finer
            else:
                published, basis = given, raw.published_basis
        body_blocks = res.blocks
        if not body_blocks:
            raise InputError(raw.origin, "no article text left after cleaning")
        body, paragraphs, language, lang_flags = self._paragraphs(body_blocks)
        flags.extend(lang_flags)
        if len(body) > self.settings.max_article_chars:
            body = body[: self.settings.max_article_chars]
            paragraphs = tuple(p for p in paragraphs if p.end <= len(body))
            flags.append(f"body cut at {self.settings.max_article_chars} characters")
        return CleanDocument(
            origin=raw.origin,
            content_hash=raw.content_hash,
            title=title.strip() if title else None,
            published=published,
            published_basis=basis,  # type: ignore[arg-type]
            body=body,
            comments=tuple(comments),
            removed=tuple(removed),
            flags=tuple(dict.fromkeys(flags)),
            language=language,
            paragraphs=paragraphs,
            url=raw.url,
            source=raw.source,
            kind=raw.kind,
        )

    def _paragraphs(self, blocks: list[str]) -> tuple[str, tuple[Paragraph, ...], str, list[str]]:
        main = self.settings.language
        detected: list[tuple[str | None, list[tuple[int, int, str]]]] = []
        weights: list[tuple[str, int]] = []
        latin_texts: list[str] = []
        script_langs: list[str | None] = []
        all_frags: list[list[tuple[int, int, str]]] = []
        for text in blocks:
            frags = self.languages.fragments(text)
            all_frags.append(frags)
            foreign_chars = sum(e - s for s, e, _ in frags)
            if frags and foreign_chars >= 0.5 * len(text.strip()):
                script_langs.append(frags[0][2])
                latin_texts.append("")
            else:
                latin = text
                for s, e, _ in reversed(frags):
                    latin = latin[:s] + " " * (e - s) + latin[e:]
                script_langs.append(None)
                latin_texts.append(latin)
        latin_langs = self.languages.detect_many(latin_texts)
        for text, frags, slang, llang in zip(blocks, all_frags, script_langs, latin_langs, strict=True):
            lang = slang or llang
            detected.append((lang, frags))
            if lang:
                weights.append((lang, len(text)))
        doc_lang = LanguageIdentifier.majority(weights, default=main)
        parts: list[str] = []
        paragraphs: list[Paragraph] = []
        flags: list[str] = []
        pos = 0
        for text, (lang, frags) in zip(blocks, detected, strict=True):
            if parts:
                pos += 2
            plang = lang or doc_lang
            foreign = plang != doc_lang
            inner = tuple((pos + s, pos + e, c) for s, e, c in frags) if not foreign else ()
            paragraphs.append(Paragraph(pos, pos + len(text), plang, foreign, inner))
            if foreign:
                flags.append(f"foreign-language paragraph ({plang})")
            elif inner:
                flags.append(f"foreign-language fragment ({inner[0][2]})")
            parts.append(text)
            pos += len(text)
        return "\n\n".join(parts), tuple(paragraphs), doc_lang, flags
