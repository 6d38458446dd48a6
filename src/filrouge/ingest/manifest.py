"""Manifests: CSV or JSON Lines keyed by ``path``, giving url, published, source, title."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..clean.dates import normalise_iso
from ..errors import ManifestError
from ..models import ManifestEntry, Problem

FIELDS = ("path", "url", "published", "source", "title")


@dataclass
class Manifest:
    """Entries by resolved path (and by bare file name as a fallback)."""

    file: Path
    by_path: dict[str, ManifestEntry] = field(default_factory=dict)
    by_name: dict[str, ManifestEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def lookup(self, path: Path) -> ManifestEntry | None:
        hit = self.by_path.get(str(path.resolve()))
        if hit is None:
            hit = self.by_name.get(path.name)
        return hit

    def _add(self, row: dict[str, object], where: str) -> None:
        path = row.get("path")
        if not isinstance(path, str) or not path.strip():
            self.problems.append(Problem(where, "manifest row has no 'path'"))
            return
        values: dict[str, str | None] = {}
        for key in FIELDS[1:]:
            v = row.get(key)
            if v is not None and not isinstance(v, str):
                self.problems.append(Problem(where, f"manifest field '{key}' must be text"))
                return
            values[key] = v.strip() if isinstance(v, str) and v.strip() else None
        if values["published"] is not None and normalise_iso(values["published"]) is None:
            self.problems.append(
                Problem(where, f"manifest date {values['published']!r} is not ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD...)")
            )
            values["published"] = None
        entry = ManifestEntry(path=path.strip(), **values)
        resolved = (self.file.parent / entry.path).resolve()
        self.by_path[str(resolved)] = entry
        self.by_name.setdefault(Path(entry.path).name, entry)


def load_manifest(file: Path) -> Manifest:
    """Read a manifest. A malformed row becomes a Problem; the other rows are used."""
    try:
        text = file.read_text("utf-8-sig")
    except FileNotFoundError:
        raise ManifestError(str(file), "manifest not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(str(file), f"manifest cannot be read ({exc.__class__.__name__})") from None
    manifest = Manifest(file=file)
    if file.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                manifest.problems.append(Problem(f"{file}:{n}", f"malformed JSON ({exc.msg})"))
                continue
            if not isinstance(row, dict):
                manifest.problems.append(Problem(f"{file}:{n}", "manifest line is not a JSON object"))
                continue
            manifest._add(row, f"{file}:{n}")
        return manifest
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "path" not in reader.fieldnames:
        raise ManifestError(str(file), "manifest has no 'path' column")
    for row in reader:
        where = f"{file}:{reader.line_num}"
        if None in row:  # more cells than columns
            manifest.problems.append(Problem(where, "manifest row has more cells than the header"))
            continue
        manifest._add(dict(row), where)
    return manifest
