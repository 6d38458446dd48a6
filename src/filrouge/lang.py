"""Per-language data files (``filrouge/data/lang/<code>.yaml``), loaded lazily and validated.

Adding a language is adding a file with the keys of ``fr.yaml``; :func:`load_language`
checks the keys and types so that a typo fails at once with the file's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

import yaml

from .errors import ConfigError

_LIST_KEYS = (
    "dateline_words",
    "ui_labels",
    "link_prefixes",
    "comment_headers_regex",
    "comment_form_words",
    "marketing_words",
    "disclaimer_phrases",
)
_MAP_KEYS = ("months", "weekdays")


def _read(code: str) -> dict[str, Any]:
    try:
        text = resources.files("filrouge.data.lang").joinpath(f"{code}.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"no language data for '{code}' (filrouge/data/lang/{code}.yaml)") from exc
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or data.get("code") != code:
        raise ConfigError(f"filrouge/data/lang/{code}.yaml: 'code' must be '{code}'")
    return data


@dataclass(frozen=True)
class LangData:
    """The vocabulary of one language, as loaded from its data file."""

    code: str
    months: dict[str, int] = field(default_factory=dict)
    weekdays: dict[str, int] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def words(self, key: str) -> tuple[str, ...]:
        return self.lists.get(key, ())


def load_language(code: str) -> LangData:
    data = _read(code)
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"filrouge/data/lang/{code}.yaml: '{key}' must be a list of strings")
        lists[key] = tuple(v.lower() for v in value)
    maps: dict[str, dict[str, int]] = {}
    for key in _MAP_KEYS:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, int) for v in value.values()):
            raise ConfigError(f"filrouge/data/lang/{code}.yaml: '{key}' must map words to numbers")
        maps[key] = {str(k).lower(): int(v) for k, v in value.items()}
    for rx in lists["comment_headers_regex"]:
        try:
            re.compile(rx)
        except re.error as exc:
            raise ConfigError(f"filrouge/data/lang/{code}.yaml: bad regex {rx!r}: {exc}") from exc
    return LangData(code=code, months=maps["months"], weekdays=maps["weekdays"], lists=lists)


@dataclass(frozen=True)
class Furniture:
    """The page-furniture vocabulary of several languages merged (pages mix them)."""

    languages: tuple[LangData, ...]
    share_labels: frozenset[str]
    photo_agencies: tuple[str, ...]

    def merged(self, key: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for lang in self.languages:
            for word in lang.words(key):
                seen.setdefault(word, None)
        return tuple(seen)

    @cached_property
    def months(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for lang in self.languages:
            out.update(lang.months)
        return out

    @cached_property
    def comment_header_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rx, re.I) for rx in self.merged("comment_headers_regex"))


def load_furniture(codes: tuple[str, ...] = ("fr", "en")) -> Furniture:
    common = yaml.safe_load(
        resources.files("filrouge.data.lang").joinpath("common.yaml").read_text("utf-8")
    )
    return Furniture(
        languages=tuple(load_language(c) for c in codes),
        share_labels=frozenset(s.lower() for s in common.get("share_labels", [])),
        photo_agencies=tuple(s.lower() for s in common.get("photo_agencies", [])),
    )
