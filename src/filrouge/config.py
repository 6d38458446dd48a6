"""Settings: defaults < environment (FILROUGE_*) < command-line options, validated once and
passed down explicitly (no module-level state)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_DB = "filrouge.db"


def store_url(db: str | None) -> str:
    """Turn ``--db``/``FILROUGE_DB`` (a file path or an SQLAlchemy URL) into a URL."""
    value = db or os.environ.get("FILROUGE_DB") or DEFAULT_DB
    if "://" in value:
        return value
    if not value.strip():
        raise ConfigError("empty store path")
    return "sqlite:///" + str(Path(value).expanduser().resolve())


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=lambda: store_url(None))
    language: str = "fr"  # the language articles are parsed in
    furniture_languages: tuple[str, ...] = ("fr", "en")
    detect_languages: tuple[str, ...] = ("fr", "en", "de", "es", "it", "pt")
    spacy_model: str = "fr_core_news_md"
    batch_size: int = 32  # articles per batch handed to a worker and stored in one transaction
    parse_batch_size: int = 16  # spaCy's batch inside a worker: 16 keeps a worker under 1.5 GB
    max_file_bytes: int = 50 * 1024 * 1024
    max_article_chars: int = 200_000  # longer bodies are cut (flagged) before parsing
    minhash_perm: int = 128
    near_duplicate_threshold: float = 0.5  # estimated Jaccard of word 3-shingles

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.parse_batch_size < 1:
            raise ConfigError("batch size must be at least 1")
        if not 0 < self.near_duplicate_threshold <= 1:
            raise ConfigError("near-duplicate threshold must be in (0, 1]")

    def with_db(self, db: str | None) -> Settings:
        return replace(self, db_url=store_url(db))

    @classmethod
    def from_env(cls, db: str | None = None) -> Settings:
        kwargs: dict[str, object] = {"db_url": store_url(db)}
        if os.environ.get("FILROUGE_BATCH_SIZE"):
            try:
                kwargs["batch_size"] = int(os.environ["FILROUGE_BATCH_SIZE"])
            except ValueError as exc:
                raise ConfigError("FILROUGE_BATCH_SIZE must be an integer") from exc
        return cls(**kwargs)  # type: ignore[arg-type]
