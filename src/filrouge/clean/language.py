"""Language of each paragraph (lingua, restricted to a few languages so it loads in about
a second) and foreign fragments written in another script inside a paragraph."""

from __future__ import annotations

import re
from collections import Counter

from ..errors import ConfigError

# Scripts lingua is not asked about: told apart by their characters alone.
_SCRIPT_RUNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+(?:[\s\d]*[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+)*")),
    ("ja", re.compile(r"[\u3040-\u30ff]+")),
    ("ko", re.compile(r"[\uac00-\ud7af]+")),
    ("ru", re.compile(r"[\u0400-\u04ff]{2,}(?:\s+[\u0400-\u04ff]+)*")),
    ("ar", re.compile(r"[\u0600-\u06ff]{2,}(?:\s+[\u0600-\u06ff]+)*")),
)
_WORDS = re.compile(r"[^\W\d_]+")

DEFAULT_LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "pt")
DETECT_CHARS = 400


class LanguageIdentifier:
    """Identifies paragraph languages among ``languages`` (ISO 639-1 codes)."""

    def __init__(self, languages: tuple[str, ...] = DEFAULT_LANGUAGES, min_words: int = 5) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        try:
            codes = [getattr(IsoCode639_1, c.upper()) for c in languages]
        except AttributeError as exc:
            raise ConfigError(f"unknown language code in {languages!r}") from exc
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        # models loaded now, not at the first paragraph: loading is the run's set-up, like
        # the spaCy model's, and each worker process pays it once
        self._detector = builder.with_minimum_relative_distance(0.1).with_preloaded_language_models().build()
        self.min_words = min_words

    def fragments(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of text in a non-Latin script: (start, end, language)."""
        spans: list[tuple[int, int, str]] = []
        for code, rx in _SCRIPT_RUNS:
            spans.extend((m.start(), m.end(), code) for m in rx.finditer(text))
        return sorted(spans)

    def detect(self, text: str) -> str | None:
        """The language of a Latin-script paragraph, or None when too short or unsure."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: list[str]) -> list[str | None]:
        """Languages of many paragraphs in one call (lingua runs them in parallel); None for
        a paragraph under ``min_words`` words or when lingua is unsure."""
        long_enough = [i for i, t in enumerate(texts) if len(_WORDS.findall(t)) >= self.min_words]
        # a paragraph's first DETECT_CHARS characters tell its language as well as all of it
        # (lingua's time grows with the text's length)
        found = self._detector.detect_languages_in_parallel_of([texts[i][:DETECT_CHARS] for i in long_enough])
        out: list[str | None] = [None] * len(texts)
        for i, lang in zip(long_enough, found, strict=True):
            out[i] = lang.iso_code_639_1.name.lower() if lang is not None else None
        return out

    @staticmethod
    def majority(weighted: list[tuple[str, int]], default: str) -> str:
        counts: Counter[str] = Counter()
        for lang, weight in weighted:
            counts[lang] += weight
        return counts.most_common(1)[0][0] if counts else default
