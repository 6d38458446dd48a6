"""The story across articles: entities, merged events, role intervals, conflicts."""

from __future__ import annotations

from pathlib import Path

from ..store.repository import Store
from .build import Story
from .entities import Resolver, load_aliases


def load_story(store: Store, aliases: Path | None = None) -> Story:
    facts = store.facts()
    names = [(f["person"], "person") for f in facts if f["person"]]
    names += [(f["org"], "organisation") for f in facts if f["org"]]
    resolver = Resolver(store.entity_names(), names, load_aliases(aliases), prior=store.name_votes())
    return Story(facts, resolver)


__all__ = ["Resolver", "Story", "load_aliases", "load_story"]
