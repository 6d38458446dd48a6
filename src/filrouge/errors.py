"""The one exception hierarchy of filrouge.

    FilrougeError                 base of everything filrouge raises on purpose
    ├── ConfigError               bad settings, unknown language, bad --db URL
    ├── InputError                one input (file, line, record) cannot be used
    │   └── ManifestError         one manifest row cannot be used
    ├── StoreError                the store cannot be opened, migrated or written
    └── DependencyError           an optional dependency (ray, psycopg...) is missing

Only the CLI turns these into exit codes and one-line messages; library code raises
or, in streaming stages, yields :class:`filrouge.models.Problem` records so that one bad
input never stops a batch.
"""

from __future__ import annotations


class FilrougeError(Exception):
    """Base class: every error filrouge raises on purpose."""


class ConfigError(FilrougeError):
    """Invalid settings (store URL, language, option values)."""


class InputError(FilrougeError):
    """An input cannot be used. ``where`` names the file and, when known, the line or record."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class ManifestError(InputError):
    """A manifest file or one of its rows is malformed."""


class StoreError(FilrougeError):
    """The store cannot be opened, migrated or written."""


class DependencyError(FilrougeError):
    """An optional dependency is missing; the message says what to install."""


def require(module: str, extra: str) -> object:
    """Import an optional dependency or raise a DependencyError with an install hint."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyError(
            f"'{module}' is not installed; install it with: pip install 'filrouge[{extra}]'"
        ) from exc
