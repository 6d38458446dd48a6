"""The extractor's vocabulary for one language (``filrouge/data/extract/<code>.yaml``).

Everything language-specific the extractor knows is in that file: role nouns and their
canonical labels, event verbs/nouns/phrases, modality and interim markers, number words.
This module turns it into sets and compiled patterns, once per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import ConfigError

EVENT_TYPES = (
    "appointment", "dismissal", "resignation", "removal", "hire", "departure", "return",
    "succession", "founding", "acquisition", "investment", "stake", "headcount", "petition", "quote",
)

_REQUIRED = (
    "roles", "collective_roles", "events", "explicit_org", "person_events", "succession", "return_posts",
    "purpose_markers", "unrealised_heads", "hypothetical_lemmas", "implicative_verbs", "reported_markers", "plan_phrases",
    "interim_markers", "same_time_markers", "staff_nouns", "headcount_verbs", "headcount_nouns",
    "part_of_whole", "petition", "at_least", "at_most", "approx", "exact", "currencies", "multipliers",
    "vague_amounts", "stake_verbs", "stake_nouns", "percent_words", "age_units", "birthday_lemmas",
    "speech_verbs", "quote_pairs", "min_quote_words", "titles", "legal_forms", "generic_org_nouns",
    "person_pronouns", "org_slots",
)


NUMBER = r"(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+(?:[.,]\d+)?)"


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Lower case with typographic apostrophes and non-breaking spaces made plain (memoised:
    it is asked for every token's form and lemma, mostly the same few thousand words)."""
    return text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ").lower()


def alternation(words: Any, plural: bool = False) -> str:
    """A regex alternation, longest first; spaces match any spacing; optional plural -s/-x per word."""
    out = []
    for w in sorted({norm(x) for x in words}, key=len, reverse=True):
        parts = [re.escape(p) for p in w.split()]
        if plural:
            parts = [(p[:-2] + "(?:al|aux)") if p.endswith("al") else (p + "[sx]?" if p[-1:].isalpha() else p)
                     for p in parts]
        out.append(r"\s+".join(parts))
    return "|".join(out)


def _phrase_re(words: Any, plural: bool = False) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{alternation(words, plural)})(?![\w-])")


@dataclass(frozen=True)
class EventWords:
    verbs: frozenset[str]
    nouns: frozenset[str]
    phrases: tuple[str, ...]


class Lexicon:
    def __init__(self, code: str, data: dict[str, Any]) -> None:
        missing = [k for k in _REQUIRED if k not in data]
        if missing:
            raise ConfigError(f"filrouge/data/extract/{code}.yaml: missing keys {', '.join(missing)}")
        self.code = code
        self.data = data
        self.role_of: dict[str, str] = {}
        for label, surfaces in data["roles"].items():
            for s in surfaces:
                self.role_of[norm(s)] = label
        self.role_re = _phrase_re(self.role_of, plural=True)
        self.collective_roles = frozenset(data["collective_roles"])
        # combined titles ("PDG": CEO and chair): surface -> the other labels it names
        self.dual_of: dict[str, tuple[str, ...]] = {norm(k): tuple(v) for k, v in (data.get("dual_roles") or {}).items()}
        self.single_holder = frozenset(data.get("single_holder_roles", ()))
        self.exclusive_roles = tuple(tuple(p) for p in data.get("exclusive_roles", ()))
        self.former_re = re.compile(rf"(?<![\w-])(?:{alternation(data.get('former_markers', ()))})\s*(?:\w+\s+)?$")
        self.future_re = re.compile(rf"(?<![\w-])(?:{alternation(data.get('future_markers', ()))})\s*(?:\w+\s+)?$")
        remaining = data.get("remaining_verbs") or {}
        # between a name and its post: "X restera le président", "X a dirigé Y et était resté PDG"
        self.remain_res = {tense: re.compile(rf"(?:\s+|[^.;:!?«»]{{0,120}}\s+et\s+)(?:{alternation(remaining.get(tense, ()))})"
                                             r"\s+(?:le |la |l'|l’)?")
                           for tense in ("plan", "past") if remaining.get(tense)}
        self.until_re = re.compile(rf"(?<![\w-])(?:{alternation(data.get('until_markers', ()))})\s*")
        # "PDG de Y depuis 2017", "X, à la tête de l'entreprise depuis 2015" (no clause in between)
        self.since_re = re.compile(rf"^(?:[^.;:!?()«»]{{0,50}}?(?<![\w-]))?(?:{alternation(data.get('since_markers', ()))})\s*")
        self.public_roles = frozenset(data.get("public_roles", ()))
        self.events: dict[str, EventWords] = {}
        unknown = set(data["events"]) - set(EVENT_TYPES)
        if unknown:
            raise ConfigError(f"filrouge/data/extract/{code}.yaml: unknown event types {sorted(unknown)}")
        for etype, spec in data["events"].items():
            self.events[etype] = EventWords(
                frozenset(norm(v) for v in spec.get("verbs", ())),
                frozenset(norm(v) for v in spec.get("nouns", ())),
                tuple(norm(v) for v in (*spec.get("phrases", ()), *spec.get("takeover_phrases", ()))),
            )
        self.takeover_phrases = frozenset(norm(v) for v in data["events"].get("return", {}).get("takeover_phrases", ()))
        self.again_re = _phrase_re(data.get("again_markers", ()))
        self.trigger_lemmas: dict[str, str] = {}
        for etype, ew in self.events.items():
            for w in ew.verbs | ew.nouns:
                self.trigger_lemmas.setdefault(w, etype)
        self.phrase_types: dict[str, str] = {}
        for etype, ew in self.events.items():
            for p in ew.phrases:
                self.phrase_types[p] = etype
        self.explicit_org = frozenset(data["explicit_org"])
        self.role_required = frozenset(norm(v) for v in data.get("role_required_triggers", ()))
        self.person_events = frozenset(data["person_events"])
        self.succession_verbs = frozenset(norm(v) for v in data["succession"]["verbs"])
        self.yielding_phrases = frozenset(norm(v) for v in data["succession"]["yielding_phrases"])
        self.return_posts_re = _phrase_re(data["return_posts"])
        self.purpose = frozenset(norm(v) for v in data["purpose_markers"])
        self.unrealised = frozenset(norm(v) for v in data["unrealised_heads"])
        self.hypothetical = frozenset(norm(v) for v in data["hypothetical_lemmas"])
        self.implicative = frozenset(norm(v) for v in data["implicative_verbs"])
        self.reported_re = _phrase_re(data["reported_markers"])
        self.plan_re = _phrase_re(data["plan_phrases"])
        self.effective_re = re.compile(rf"(?<![\w-])(?:{alternation(data.get('effective_markers', ()))})\s*(?:le\s+|au\s+|du\s+)?$")
        self.interim_re = _phrase_re(data["interim_markers"])
        self.same_time_re = re.compile(rf"^\W*(?:{alternation(data['same_time_markers'])})(?![\w-])")
        self.staff = frozenset(norm(v) for v in data["staff_nouns"])
        self.headcount_verbs = frozenset(norm(v) for v in data["headcount_verbs"])
        self.headcount_nouns = frozenset(norm(v) for v in data["headcount_nouns"])
        self.part_of_whole = frozenset(norm(v) for v in data["part_of_whole"])
        pet = data["petition"]
        self.petition_nouns = frozenset(norm(v) for v in pet.get("nouns", ()))
        self.petition_verbs = frozenset(norm(v) for v in pet.get("verbs", ()))
        self.petition_phrases = tuple(norm(v) for v in pet.get("phrases", ()))
        self.at_least_re = re.compile(rf"(?:{alternation(data['at_least'])})\s*$")
        self.at_most_re = re.compile(rf"(?:{alternation(data['at_most'])})\s*$")
        self.approx_re = re.compile(rf"(?:{alternation(data['approx'])})\s*$")
        self.currency_of: dict[str, str] = {}
        for code_, words in data["currencies"].items():
            for w in words:
                self.currency_of[norm(w)] = code_
        self.multipliers = {norm(k): int(v) for k, v in data["multipliers"].items()}
        self.vague_amounts = frozenset(norm(v) for v in data["vague_amounts"])
        self.stake_verbs = frozenset(norm(v) for v in data["stake_verbs"])
        self.stake_nouns = frozenset(norm(v) for v in data["stake_nouns"])
        self.state_holder_re = re.compile(
            rf"(?<![\w-])(?:l['’]\s*)?({alternation(data.get('state_holders', ()))})(?:\s+([a-zàâçéèêëîïôûù]+ais|[a-zàâçéèêëîïôûù]+ois|[a-zàâçéèêëîïôûù]+ien|[a-zàâçéèêëîïôûù]+and))?(?![\w-])")
        self.stake_target_re = re.compile(
            rf"^\s*(?:du|de la|de l['’]|des)\s*(?:{alternation(data.get('stake_targets', ()))})(?![\w-])")
        self.percent_re = re.compile(
            rf"(\d+(?:[.,]\d+)?)\s*(?:{alternation(data['percent_words'])})(?![\w])")
        self.age_re = re.compile(rf"(?<![\w.,])(\d{{1,3}})\s+(?:{alternation(data['age_units'])})(?![\w-])")
        self.birthday = frozenset(norm(v) for v in data["birthday_lemmas"])
        self.tenure_lead_re = re.compile(rf"(?<![\w-])(?:{alternation(data.get('tenure_lead', ()))})\s+$")
        self.tenure_place_re = re.compile(rf"^\s*(?:{alternation(data.get('tenure_places', ()))})(?![\w-])")
        # the post named before the years: "resté en fonction deux ans", "qui a occupé cette fonction pendant neuf ans"
        self.tenure_post_before_re = re.compile(
            rf"(?<![\w-])(?:{alternation(data.get('tenure_post_before', ()))})\s+(?:(?:{alternation(data.get('tenure_lead', ()))})\s+)?$")
        self.speech = frozenset(norm(v) for v in data["speech_verbs"])
        self.quote_pairs = [tuple(p) for p in data["quote_pairs"]]
        self.quote_res = [re.compile(re.escape(a) + r"([^" + re.escape(a + b) + r"]{1,1500}?)" + re.escape(b), re.S)
                          for a, b in self.quote_pairs]
        # "700 employés", "700 des 770 employés", "250 salariés sur 300"
        staff = "|".join(sorted((re.escape(w) for w in self.staff), key=len, reverse=True))
        whole = "|".join(sorted(self.part_of_whole, key=len, reverse=True))
        self.count_re = re.compile(rf"(?<![\w.,]){NUMBER}(?:\s+(?:{whole})\s+(?:les\s+)?{NUMBER})?"
                                   rf"\s+(?:[\w-]+\s+)?((?:{staff})s?)\b")
        # "13 milliards de dollars", "des milliards de dollars"
        cur = "|".join(sorted((re.escape(c) for c in self.currency_of), key=len, reverse=True))
        mult = "|".join(sorted((re.escape(k) for k in self.multipliers), key=len, reverse=True))
        vague = "|".join(sorted((re.escape(v) for v in self.vague_amounts), key=len, reverse=True))
        self.amount_re = re.compile(rf"(?:{NUMBER}|(?:{vague}))\s*(?:({mult})\s+)?(?:de\s+|d')?({cur})(?!\w)")
        self.min_quote_words = int(data["min_quote_words"])
        self.titles = frozenset(norm(v) for v in data["titles"])
        self.legal_forms = frozenset(norm(v) for v in data["legal_forms"])
        self.generic_org = frozenset(norm(v) for v in data["generic_org_nouns"])
        self.generic_org_re = _phrase_re(self.generic_org)
        # "PDG du groupe automobile Y": a company noun, and a word that qualifies it, before a name
        self.company_noun_re = re.compile(rf"(?:{alternation(data.get('company_nouns', ()))})"
                                          rf"(?:\s+(?:{alternation(data.get('company_qualifiers', ()))}))?\s+")
        self.company_before_re = re.compile(rf"(?<![\w-]){self.company_noun_re.pattern}$")
        # "à la direction du groupe", "de la firme": the company told by a common noun
        self.company_ref_re = re.compile(
            rf"(?<![\w-])(?:du|de la|de l')\s*(?:{alternation([*data.get('generic_org_nouns', ()), *data.get('descriptor_heads', ())])})(?![\w-])")
        self.merger_re = re.compile(
            rf"(?<![\w-])(?:{alternation(data.get('merger_nouns', ()))})(?![\w-])[^.;:]{{0,25}}?(?<![\w-])(?:entre|de|d'|d’|avec)\s+"
            rf"(?:[\w'’.-]+\s+){{0,3}}?(?:et\s+)?$")
        self.descriptor_re = re.compile(
            rf"(?<![\w-])(?:{alternation(data.get('descriptor_heads', ()))})\s+(?:de\s+(?:la\s+|l'|l’)?|d'|d’|du\s+)$")
        self.person_pronouns = frozenset(norm(v) for v in data["person_pronouns"])
        slots = data["org_slots"]
        heads = list(slots.get("heads", ())) + [s for s, lab in self.role_of.items() if lab not in self.public_roles]
        heads += list(self.staff)
        link = alternation(slots.get("linkers", ())).replace("'", "'\\s*")
        # the text just before an organisation name ends with one of these (on norm()ed text)
        slot = (rf"(?<![\w-])(?:(?:{alternation(heads, plural=True)})\s+(?:{link})"
                rf"|(?:{alternation(slots.get('bare', ()))}))\s*")
        self.org_slot_re = re.compile(slot)
        self.org_before_re = re.compile(slot + "$")
        self.org_after_re = re.compile(rf"^\s+(?:{alternation(slots.get('after', ()))})(?![\w-])")

    def canonical_role(self, text: str) -> str | None:
        """The canonical label of a role as users type it: "PDG", "CEO", "directeur général"."""
        t = re.sub(r"\s+", " ", norm(text).strip())
        if t in self.role_of:
            return self.role_of[t]
        for label in self.data["roles"]:
            if t == label.lower():
                return label
        if t.endswith("s") and t[:-1] in self.role_of:
            return self.role_of[t[:-1]]
        return None

    def dual_labels(self, surface: str) -> tuple[str, ...]:
        """The other posts a combined title names ("PDG": chair), if any."""
        t = re.sub(r"\s+", " ", norm(surface))
        return self.dual_of.get(t) or self.dual_of.get(" ".join(_singular(w) for w in t.split()), ())

    def role_label(self, surface: str) -> str | None:
        t = re.sub(r"\s+", " ", norm(surface))
        if t in self.role_of:
            return self.role_of[t]
        # plural forms: drop a final s/x on each word, "-aux" -> "-al"
        t2 = " ".join(_singular(w) for w in t.split())
        return self.role_of.get(t2)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


@lru_cache(maxsize=4)
def load_lexicon(code: str = "fr") -> Lexicon:
    try:
        text = resources.files("filrouge.data.extract").joinpath(f"{code}.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"no extraction vocabulary for '{code}' (filrouge/data/extract/{code}.yaml)") from exc
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ConfigError(f"filrouge/data/extract/{code}.yaml: not a mapping")
    names = resources.files("filrouge.data.extract").joinpath(f"names_{code}.yaml")  # read by extract.mentions
    data.setdefault("names", (yaml.safe_load(names.read_text("utf-8")) or {}) if names.is_file() else {})
    return Lexicon(code, data)
