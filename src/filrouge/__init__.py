"""filrouge: follow the thread of a news story across sources."""

__version__ = "0.1.0"

from .config import Settings  # noqa: E402
from .errors import (  # noqa: E402
    ConfigError,
    DependencyError,
    FilrougeError,
    InputError,
    ManifestError,
    StoreError,
)
from .models import CleanDocument, ParsedDocument, Problem, RawDocument  # noqa: E402

__all__ = [
    "CleanDocument", "ConfigError", "DependencyError", "FilrougeError", "InputError", "ManifestError",
    "ParsedDocument", "Problem", "RawDocument", "Settings", "StoreError", "__version__",
]
