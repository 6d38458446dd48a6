"""People and organisations resolved across all articles, with an optional alias file.

Persons are grouped by family name without its elided particle ("Jeanne d'Arcy", "Arcy",
"Mme Martin"); a first name used alone joins the one full name it begins; a family name used
alone joins the one full name whose family name is it behind a particle written as one word
("Allan" joins "Jo McAllan" unless "Allan" is also someone's first name). Organisations
are grouped by their folded core name, without legal forms and the generic words of a long
name ("Acme", "ACME", "Acme SA", "Groupe Acme", "The Acme Company"); a long name whose core
ends with a known organisation ("The Jo Acme Company", "Jo Acme") is that organisation; a
longer name that begins with a known organisation ("Acme Europe SAS") is recorded as part of
it and answers for it. A first name the recogniser calls an organisation is the one person
whose full name it begins. What is never a name (nationalities, regions, news agencies,
posts...) is left out: see :func:`filrouge.extract.mentions.name_of`.

Alias file (YAML), applied in this order::

    rename: {"Open AI": "OpenAI"}          # canonical name of the entity holding that alias
    merge:  [["Jean Dupont", "J. Dupont"]]   # one entity; the first name is the canonical one
    split:  [{name: "Jack Dupont", aliases: ["Jack"]}]   # aliases taken out of an entity
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..extract.lexicon import Lexicon, load_lexicon
from ..extract.mentions import (Votes, clean_name, decide, fold, name_key, name_of, name_words, org_core, org_key,
                                person_key, type_votes)


@dataclass
class EntityRecord:
    name: str
    kind: str  # person | organisation
    aliases: Counter[str] = field(default_factory=Counter)
    part_of: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "aliases": sorted(self.aliases),
                "mentions": sum(self.aliases.values()), "part_of": self.part_of}


def load_aliases(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as exc:
        raise InputError(str(path), f"cannot read alias file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(where, "alias file is not valid YAML") from None
    if not isinstance(data, dict) or set(data) - {"rename", "merge", "split"}:
        raise InputError(str(path), "alias file: expected the keys rename, merge, split")
    return data


def family_particles(lex: Lexicon) -> list[str]:
    """The particles a family name can begin with, written as one word ("mc", "van")."""
    return sorted({re.sub(r"[\s']", "", p) for p in name_words(lex).particles} - {""}, key=len)


class Resolver:
    """Maps any surface name to its entity's canonical name."""

    def __init__(self, names: Iterable[tuple[str, str]], fact_names: Iterable[tuple[str, str]],
                 aliases: dict[str, Any] | None = None, lex: Lexicon | None = None,
                 prior: Votes | None = None) -> None:
        self.lex = lex or load_lexicon("fr")
        lex = self.lex
        # names and fact_names: (text, label) per mention, or (text, label, count) for `count` mentions
        named: Counter[tuple[str, str]] = Counter()
        for t, lab, *times in names:
            got = None if "\n" in t else name_of(t, lex)
            if got is None:
                continue
            # a name no article kept (sentence-start word, a source only) is not listed
            if prior is not None and name_key(got[0], lex) not in prior:
                continue
            named[(got[0], "SLOT" if got[1] == "ORG" else lab)] += times[0] if times else 1
        # a name's type: the store's votes (organisation slots included) when known, else the labels
        local: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for (n, lab), c in named.items():
            for k, (per, org) in type_votes([(n, lab)], lex).items():
                local[k][0] += per * c
                local[k][1] += org * c
        votes = decide({k: (v[0], v[1]) for k, v in local.items()}, prior)
        counts: Counter[tuple[str, str]] = Counter()
        for (n, lab), c in named.items():
            kind = votes.get(name_key(n, lex))
            if kind:
                counts[(n, "person" if kind == "PER" else "organisation")] += c
        for n, kind, *times in fact_names:
            got = name_of(n, lex) if n else None
            if got:
                counts[(got[0], kind)] += times[0] if times else 1
        self._first_names_as_people(counts)
        self.entities: dict[str, EntityRecord] = {}
        self._map: dict[tuple[str, str], str] = {}
        self._build_people({n: c for (n, k), c in counts.items() if k == "person"})
        self._build_orgs({n: c for (n, k), c in counts.items() if k == "organisation"})
        if aliases:
            self._apply(aliases)
        self._memo = {}

    # ---- building ------------------------------------------------------------------
    @staticmethod
    def _first_names_as_people(counts: Counter[tuple[str, str]]) -> None:
        """A one-word "organisation" that is the first name of exactly one full name of a
        person (and no family name) is that person."""
        firsts: dict[str, set[str]] = defaultdict(set)
        families = set()
        for (n, kind) in counts:
            if kind == "person":
                families.add(person_key(n))
                if len(n.split()) > 1:
                    firsts[fold(n.split()[0])].add(person_key(n))
        for (n, kind), c in list(counts.items()):
            if kind == "organisation" and len(n.split()) == 1 and len(firsts.get(fold(n), ())) == 1 \
                    and fold(n) not in families:
                del counts[(n, kind)]
                counts[(n, "person")] += c

    def _build_people(self, names: dict[str, int]) -> None:
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for n, c in names.items():
            groups[person_key(n)][n] += c
        # a first name alone joins the one full name it starts
        firsts: dict[str, set[str]] = defaultdict(set)
        for k, g in groups.items():
            for n in g:
                if len(n.split()) > 1:
                    firsts[fold(n.split()[0])].add(k)
        particles = family_particles(self.lex)
        for k in list(groups):
            g = groups[k]
            if not all(len(n.split()) == 1 for n in g):
                continue
            if len(firsts.get(k, ())) == 1:
                target = next(iter(firsts[k]))
            else:
                # a family name alone joins the one full name whose family name is it behind a
                # particle written as one word ("Allan" -> "Jo McAllan")
                ends = {f for f, h in groups.items() if f != k and len(k) >= 4 and any(f == p + k for p in particles)
                        and any(len(n.split()) > 1 for n in h)}
                target = next(iter(ends)) if len(ends) == 1 and k not in firsts else k
            if target != k:
                groups[target].update(g)
                del groups[k]
        for k, g in groups.items():
            full = [n for n in g if len(n.split()) > 1]
            canon = max(full or g, key=lambda n: (g[n], len(n)))
            rec = EntityRecord(canon, "person", Counter(g))
            self.entities[canon] = rec
            for n in g:
                self._map[("person", fold(n))] = canon

    def _build_orgs(self, names: dict[str, int]) -> None:
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for n, c in names.items():
            k = org_key(n, self.lex)
            if k:
                groups[k][n] += c
        # a long name ("The Jo Acme Company") whose core ends with a known organisation is it,
        # with the short forms of that long name ("Jo Acme")
        lex = self.lex
        for k in sorted(groups, key=len, reverse=True):
            g = groups.get(k)
            if not g or not any(org_core(n, lex) != n for n in g):
                continue
            core = max((org_core(n, lex) for n in g if org_core(n, lex) != n), key=lambda c: len(c.split()))
            words = core.split()
            for i in range(1, len(words)):
                short = org_key(" ".join(words[i:]), lex)
                # not when the words before are an organisation too ("Acme Bolt Group": two of them)
                if any(org_key(" ".join(words[:j]), lex) in groups for j in range(1, i + 1)):
                    break
                if short != k and short in groups and len(short) >= 3:
                    groups[short].update(groups.pop(k))
                    break
        parent: dict[str, str] = {}
        for k in groups:  # the shortest other key (3 characters or more) that begins k
            p = next((k[:i] for i in range(3, len(k)) if k[:i] in groups), None)
            if p:
                parent[k] = p
        canon_of: dict[str, str] = {}
        for k, g in groups.items():
            canon_of[k] = max(g, key=lambda n: (g[n], -len(n)))
        for k, g in groups.items():
            rec = EntityRecord(canon_of[k], "organisation", Counter(g))
            top = k
            while top in parent:
                top = parent[top]
            if top != k:
                rec.part_of = canon_of[top]
            self.entities[rec.name] = rec
            for n in g:
                self._map[("organisation", fold(n))] = canon_of[top]
                self._map[("unit", fold(n))] = canon_of[k]

    def _apply(self, aliases: dict[str, Any]) -> None:
        for old, new in (aliases.get("rename") or {}).items():
            for kind in ("person", "organisation"):
                canon = self._map.get((kind, fold(str(old))))
                if canon:
                    self._rename(kind, canon, str(new))
        for group in aliases.get("merge") or []:
            group = [str(g) for g in group]
            if len(group) < 2:
                continue
            kind = "person" if (("person", fold(group[0])) in self._map) else "organisation"
            target = self._map.get((kind, fold(group[0]))) or group[0]
            if target not in self.entities:
                self.entities[target] = EntityRecord(target, kind)
            for name in group:
                canon = self._map.get((kind, fold(name)))
                if canon and canon != target and canon in self.entities:
                    rec = self.entities.pop(canon)
                    self.entities[target].aliases.update(rec.aliases)
                    self._repoint(canon, target)
                self._map[(kind, fold(name))] = target
                self.entities[target].aliases[name] += 0
        for item in aliases.get("split") or []:
            name = str(item["name"])
            kind = "person" if any(("person", fold(a)) in self._map for a in item.get("aliases", [])) else "organisation"
            rec = self.entities.setdefault(name, EntityRecord(name, kind))
            for a in item.get("aliases", []):
                old = self._map.get((kind, fold(a)))
                if old and old in self.entities and old != name:
                    n = self.entities[old].aliases.pop(a, 0)
                    rec.aliases[a] += n
                self._map[(kind, fold(a))] = name

    def _rename(self, kind: str, canon: str, new: str) -> None:
        rec = self.entities.pop(canon)
        rec.name = new
        rec.aliases[new] += 0
        self.entities[new] = rec
        self._repoint(canon, new)

    def _repoint(self, old: str, new: str) -> None:
        """Every alias (and part-of link) that pointed at entity ``old`` now points at ``new``."""
        for key, v in list(self._map.items()):
            if v == old:
                self._map[key] = new
        for r in self.entities.values():
            if r.part_of == old:
                r.part_of = new

    # ---- lookups -------------------------------------------------------------------
    # every name is looked up once per resolver (the resolver does not change once built)
    def _cached(self, kind: str, name: str, find: Any) -> str | None:
        memo: dict[tuple[str, str], str | None] | None = self.__dict__.get("_memo")
        if memo is None:
            memo = self.__dict__["_memo"] = {}
        key = (kind, name)
        if key not in memo:
            memo[key] = find(name)
        return memo[key]

    def person(self, name: str | None) -> str | None:
        return self._cached("person", name, self._person) if name else None

    def org(self, name: str | None) -> str | None:
        return self._cached("organisation", name, self._org) if name else None

    def unit(self, name: str | None) -> str | None:
        """The organisation itself, not the group it belongs to: a division or subsidiary
        ("X Entertainment", "X-KLM") has its own posts."""
        return self._cached("unit", name, self._unit) if name else None

    def fallbacks(self) -> dict[tuple[str, str], str]:
        """A name no entity lists is the first entity of its family name ("pk") or of its
        organisation key ("ok"), in the order entities were made."""
        fb: dict[tuple[str, str], str] | None = self.__dict__.get("_fallbacks")
        if fb is None:
            fb = self.__dict__["_fallbacks"] = {}
            for rec in self.entities.values():
                if rec.kind == "person":
                    fb.setdefault(("pk", person_key(rec.name)), rec.name)
                else:
                    fb.setdefault(("ok", org_key(rec.name, self.lex)), rec.part_of or rec.name)
        return fb

    def _person(self, name: str) -> str | None:
        n = clean_name(name, self.lex)
        return self._map.get(("person", fold(n))) or self.fallbacks().get(("pk", person_key(n))) or n

    def _org(self, name: str) -> str | None:
        n = clean_name(name, self.lex)
        return self._map.get(("organisation", fold(n))) or self.fallbacks().get(("ok", org_key(n, self.lex))) or n

    def _unit(self, name: str) -> str | None:
        n = clean_name(name, self.lex)
        return self._map.get(("unit", fold(n))) or self.org(n)

    def same_org(self, a: str | None, b: str | None) -> bool:
        return bool(a and b) and self.org(a) == self.org(b)

    def listing(self) -> list[EntityRecord]:
        return sorted(self.entities.values(), key=lambda r: (-sum(r.aliases.values()), r.name))
