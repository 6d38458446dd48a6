"""Events and facts from the sentences of one article.

The extractor reads the stored analysis of an article (sentences with tokens, lemmas and
dependencies; entities) and its publication date, and yields :class:`~filrouge.models.Fact`
records, each tied to its sentence and character span. It works in three passes:

1. names: entity mentions typed by vote (:mod:`.mentions`), quotes, temporal expressions
   (the time tagger, anchored on the publication date);
2. per sentence: role statements ("X, PDG de Y", "le directeur technique X"), event
   triggers found by lemma or phrase from the language file, each with its arguments read
   from the dependency tree (subject, object, "de/chez/par" complements, coordinated
   names), its role, interim flag, date, modality and polarity; numbers (head-counts,
   petitions, stakes, investments, ages);
3. quotes with their speakers.

Nothing here names a person, an organisation or a date of any story: what is language
specific is in ``filrouge/data/extract/<code>.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from ..models import Entity, Fact, Sentence, Token
from ..temporal.anchor import Anchor, infer_anchor
from ..temporal.tagger import TimeExpression, TimeTagger
from .lexicon import NUMBER, Lexicon, load_lexicon, norm
from .mentions import Mention, Votes, article_votes, find_mentions, person_key

_PARTICIPLE = (("ées", "er"), ("és", "er"), ("ée", "er"), ("é", "er"), ("ies", "ir"), ("is", "ir"),
               ("ie", "ir"), ("i", "ir"), ("ues", "re"), ("us", "re"), ("ue", "re"), ("u", "re"))
_STOP_DEPS = frozenset({"acl:relcl", "acl", "advcl", "parataxis", "ccomp", "csubj", "punct"})
_EXITS = frozenset({"dismissal", "resignation", "removal", "departure"})
# what comes between "laisse sa place [de directeur général]" and the successor's name
_TO_SUCCESSOR = re.compile(r"(?:^|\s)(?:à|au profit d[e'’])\s*(?:m\.|mme|\w+ )?$")
_ROLE_INTRO = re.compile(r"(?:en tant que|comme|poste de|fonctions de|au poste|titre de)\s*(?:l'|le |la )?(?:futur |future |nouveau |nouvelle )?$")
_COPULA = re.compile(r"\s+(?:est|reste|demeure)\s+(?:toujours\s+|aussi\s+|également\s+)?(?:le |la |l'|l’)?(?:actuel |actuelle )?")
_YEARLESS = re.compile(r"XXXX-\d\d-\d\d")
_PLURAL_BEFORE = re.compile(r"(?:les|des|nouveaux|nouvelles|autres|aux)\s+$")


@dataclass
class _Sent:
    s: Sentence
    toks: list[Token]
    children: list[list[int]]
    low: str  # normalised sentence text
    mentions: list[Mention] = field(default_factory=list)
    roles: list[tuple[int, int, str, str]] = field(default_factory=list)  # role nouns: start, end, label, surface
    phrase_end: dict[int, int] = field(default_factory=dict)  # a trigger phrase's first token -> its last
    # the tokens' forms and lemmas, normalised, and where each word occurs (see _phrase_hits)
    _index: tuple[list[str], list[str], dict[str, list[int]]] | None = field(default=None, repr=False)
    _prefixes: dict[str, list[int]] | None = field(default=None, repr=False)

    def word_index(self) -> tuple[list[str], list[str], dict[str, list[int]]]:
        if self._index is None:
            forms = [norm(self.s.text[t.start - self.s.start:t.end - self.s.start]) for t in self.toks]
            lemmas = [norm(t.lemma) for t in self.toks]
            where: dict[str, list[int]] = {}
            for i, (f, lem) in enumerate(zip(forms, lemmas, strict=True)):
                where.setdefault(f, []).append(i)
                if lem != f:
                    where.setdefault(lem, []).append(i)
            self._index = (forms, lemmas, where)
        return self._index

    def prefix_index(self) -> dict[str, list[int]]:
        """The tokens by the first four letters of their form (forms of four letters or more)."""
        if self._prefixes is None:
            self._prefixes = {}
            for i, f in enumerate(self.word_index()[0]):
                if len(f) >= 4:
                    self._prefixes.setdefault(f[:4], []).append(i)
        return self._prefixes

    def tok_at(self, offset: int) -> int | None:
        for i, t in enumerate(self.toks):
            if t.start <= offset < t.end or t.start >= offset:
                return i
        return None

    def subtree(self, i: int, prune: frozenset[str] = _STOP_DEPS, skip: frozenset[int] = frozenset()) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            for c in self.children[j]:
                if c not in skip and self.toks[c].dep not in prune:
                    stack.append(c)
        return sorted(out)

    def ancestors(self, i: int) -> list[int]:
        out, seen = [], {i}
        j = self.toks[i].head
        while 0 <= j < len(self.toks) and j not in seen:
            out.append(j)
            seen.add(j)
            j = self.toks[j].head
        return out

    def span_mentions(self, idxs: list[int], kind: str | None = None) -> list[Mention]:
        spans = [(self.toks[i].start, self.toks[i].end) for i in idxs]
        return [m for m in self.mentions if (kind is None or m.kind == kind)
                and any(a <= m.start < b or m.start <= a < m.end for a, b in spans)]

    def child(self, i: int, *deps: str) -> list[int]:
        return [c for c in self.children[i] if self.toks[c].dep in deps]

    def mention_of(self, i: int, kind: str | None = None) -> Mention | None:
        t = self.toks[i]
        for m in self.mentions:
            if (kind is None or m.kind == kind) and m.start <= t.start < m.end:
                return m
        return None


class Extractor:
    """Language-specific vocabulary + general rules -> facts of one article."""

    def __init__(self, language: str = "fr", tagger: TimeTagger | None = None) -> None:
        self.lex: Lexicon = load_lexicon(language)
        self.tagger = tagger or TimeTagger(language)

    # ------------------------------------------------------------------ entry point
    def votes(self, body: str, sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
              prior: Votes | None = None) -> Votes:
        """This article's evidence on whether each name is a person or an organisation."""
        return article_votes(body, sentences, entities, self.lex, prior)[1]

    def extract(self, body: str, published: str | None, sentences: tuple[Sentence, ...],
                entities: tuple[Entity, ...], prior: Votes | None = None) -> list[Fact]:
        """The facts of one article. ``prior``: store-wide name votes (see ``votes``), which
        decide a name's type when this article alone is not sure."""
        anchor = infer_anchor(body, published, self.tagger)
        dct = anchor.start if anchor is not None and anchor.exact else None
        lex = self.lex
        mentions = find_mentions(body, sentences, entities, lex, prior)
        times = [t for t in self.tagger.tag(body, anchor=anchor) if t.type in ("DATE", "TIME")
                 and (t.interval_start or _YEARLESS.fullmatch(t.value))]
        quotes = self._quotes(body)
        sents = []
        starts = [m.start for m in mentions]  # mentions come sorted by start
        for s in sentences:
            toks = list(s.tokens)
            children: list[list[int]] = [[] for _ in toks]
            for i, t in enumerate(toks):
                if 0 <= t.head < len(toks) and t.head != i:
                    children[t.head].append(i)
            st = _Sent(s, toks, children, norm(s.text))
            st.mentions = mentions[bisect_left(starts, s.start):bisect_left(starts, s.end)]
            st.roles = self._role_spans(st)
            sents.append(st)
        org_counts = Counter(m.key for m in mentions if m.kind == "ORG")
        org_names: dict[str, Counter[str]] = {}
        for m in mentions:
            if m.kind == "ORG":
                org_names.setdefault(m.key, Counter())[m.text] += 1
        dominant = None
        if org_counts:
            k, n = org_counts.most_common(1)[0]
            if n >= 2:
                dominant = org_names[k].most_common(1)[0][0]
        if dominant is None and sents:
            # the article's subject: an organisation its first line (the title) names
            first = [m for m in sents[0].mentions if m.kind == "ORG"]
            if first:
                dominant = first[0].text
        ctx = _DocContext(body, dct, dct.isoformat() if dct else None, sents, times, quotes, dominant, anchor)
        facts: list[Fact] = []
        for si, st in enumerate(sents):
            if not st.toks:
                continue
            roles = self._role_statements(ctx, si)
            facts.extend(roles)
            facts.extend(self._events(ctx, si, roles, facts))
            facts.extend(self._numbers(ctx, si))
        facts.extend(self._quote_facts(ctx, facts))
        return facts

    # ------------------------------------------------------------------ quotes
    def _quotes(self, body: str) -> list[tuple[int, int]]:
        return sorted((m.start(1), m.end(1)) for pat in self.lex.quote_res for m in pat.finditer(body))

    def _quote_facts(self, ctx: _DocContext, facts: list[Fact]) -> Iterator[Fact]:
        lex = self.lex
        for qs, qe in ctx.quotes:
            text = " ".join(ctx.body[qs:qe].split()).strip(" ,.…[]")
            if len(text.split()) < lex.min_quote_words:
                continue
            speaker = None
            verb: tuple[int, int] | None = None  # (sentence, token) of the speech verb
            # after the quote: « ... », ajoute X / ajoutait-il
            si_end = ctx.sentence_index(qe)
            si_start = ctx.sentence_index(qs)
            if si_end is not None:
                st = ctx.sents[si_end]
                after = [i for i, t in enumerate(st.toks) if t.start > qe][:8]
                for n, i in enumerate(after):
                    if norm(st.toks[i].lemma) in lex.speech and st.toks[i].pos in ("VERB", "AUX", "ADJ"):
                        verb = (si_end, i)
                        for j in after[n + 1:n + 6]:
                            m = st.mention_of(j)
                            if m and m.kind == "PER":
                                speaker = m
                                break
                            if st.toks[j].pos == "PRON":
                                speaker = ctx.resolve_pronoun(si_end, st.toks[j].start)
                                break
                        if speaker is None:
                            subj = ctx.subject_person(si_end, i)
                            speaker = subj
                        break
            if speaker is None and si_start is not None:
                st = ctx.sents[si_start]
                before = [i for i, t in enumerate(st.toks) if t.end <= qs]
                verbs = [i for i in before if norm(st.toks[i].lemma) in lex.speech]
                if verbs:
                    verb = (si_start, verbs[-1])
                    speaker = ctx.subject_person(si_start, verbs[-1])
                    if speaker is None:
                        pers = [m for m in st.mentions if m.kind == "PER" and m.end <= st.toks[verbs[-1]].start]
                        speaker = pers[-1] if pers else None
            if speaker is None:
                continue
            si = si_start if si_start is not None else si_end or 0
            # when it was said: a date of the speech verb's clause ("a écrit le 20 novembre"),
            # else by the article's date (estimated, as any event the article reports)
            when = self._date(ctx, verb[0], verb[1], []) if verb else {}
            if when.get("date_basis") != "text":
                when = self._pub(ctx)
            yield Fact("quote", si, qs, qe, person=speaker.text, org=self._affiliation(speaker, verb or (si, 0), facts),
                       org_inferred=True, modality="stated", detail={"quote": text, "speaker": speaker.text}, **when)

    @staticmethod
    def _affiliation(speaker: Mention, at: tuple[int, int], facts: list[Fact]) -> str | None:
        """The organisation the sentence of a quote ties its speaker to ("le président du
        conseil, X, a déclaré", "X a confirmé qu'il rejoignait Y et a annoncé que « ... »"):
        a role statement or an event of the speaker in that sentence, not a former post."""
        orgs = {f.org for f in facts if f.sentence == at[0] and f.org and f.person and f.type != "quote"
                and person_key(f.person) == speaker.key and not f.detail.get("former") and not f.org_inferred
                and f.modality in ("stated", "reported") and not f.negated}
        return orgs.pop() if len(orgs) == 1 else None

    # ------------------------------------------------------------------ roles
    def _role_spans(self, st: _Sent) -> list[tuple[int, int, str, str]]:
        """(start, end, label, surface) of role nouns in a sentence, absolute offsets."""
        out = []
        for m in self.lex.role_re.finditer(st.low):
            label = self.lex.role_label(m.group(0))
            if label:
                out.append((st.s.start + m.start(), st.s.start + m.end(), label, st.s.text[m.start():m.end()]))
        return out

    def _role_statements(self, ctx: _DocContext, si: int) -> list[Fact]:
        st = ctx.sents[si]
        lex = self.lex
        facts = []
        pers = [m for m in st.mentions if m.kind == "PER"]
        if not pers:
            return facts
        body = ctx.body
        for rs, re_, label, surface in st.roles:
            if ctx.in_quote(rs):
                continue
            before = norm(body[max(0, rs - 25):rs])
            former = bool(lex.former_re.search(before))
            future = not former and bool(lex.future_re.search(before))
            # the organisation right after the role: "PDG de Y", "PDG d'Y", "PDG chez Y"
            org, tail_end, unnamed_org = None, re_, False
            tail = norm(body[re_:re_ + 60])
            interim_m = lex.interim_re.match(tail.lstrip())
            interim = False
            if interim_m:
                interim = True
                shift = len(tail) - len(tail.lstrip()) + interim_m.end()
                tail_end = re_ + shift
                tail = norm(body[tail_end:tail_end + 60])
            linked, org = _post_org(body, st, tail_end, lex.company_noun_re)
            if org:
                tail_end = org.end
            elif linked:
                unnamed_org = True  # "PDG de la start-up ...": an organisation we cannot name
            if not interim:
                pre = norm(body[max(0, rs - 20):rs])
                interim = bool(lex.interim_re.search(norm(body[tail_end:tail_end + 20]))) or "intérim" in pre
            person = None
            right = [m for m in pers if m.start >= tail_end]
            if right and re.fullmatch(r"\s*", body[tail_end:right[0].start]):
                person = right[0]  # "le directeur technique X"
            left = [m for m in pers if m.end <= rs]
            if person is None and left:
                # "X, PDG de Y" / "X (PDG de Y)" / "X, un autre fondateur, président et PDG de Y"
                gap = body[left[-1].end:rs]
                gap_toks = [t for t in st.toks if left[-1].end <= t.start < rs]
                if (re.match(r"\s*[,(]", gap) and len(gap) <= 60 and "»" not in gap and "«" not in gap
                        and not any(t.pos in ("VERB", "AUX") for t in gap_toks)):
                    person = left[-1]
            if person is None and left and _COPULA.fullmatch(norm(body[left[-1].end:rs])) and not former and not future:
                person = left[-1]  # "X est le PDG de Y depuis 2017"
            remaining = None  # "X restera président jusqu'au ...", "X était resté PDG jusqu'à fin 2021"
            if person is None and left and not former and not future:
                remaining = next((tense for tense, rx in lex.remain_res.items()
                                  if rx.fullmatch(norm(body[left[-1].end:rs]))), None)
                person = left[-1] if remaining else None
            if person is None and right and re.fullmatch(r"\s*,\s*", body[tail_end:right[0].start]):
                person = right[0]  # "le PDG de Y, X"
            if person is None:
                continue
            if org:
                ctx.claimed[org.start] = person.key
                if former:
                    ctx.former_orgs.add(org.start)
            org_name, inferred = (org.text, False) if org else (
                (None if label in lex.public_roles or unnamed_org
                 else ctx.dominant or ctx.recent_org(si, rs, person.key)), True)
            until = self._until(ctx, si, tail_end) if remaining else None
            if remaining == "past" and until is not None:
                former = True  # the term is told as over: it ended then
            detail: dict[str, Any] = {"former": True} if former else ({"future": True} if future else {})
            since = self._since(ctx, max(tail_end, person.end if person.start >= tail_end else tail_end))
            if since and not future:
                detail["since"], detail["since_granularity"] = since
            for n, lab in enumerate((label,) + lex.dual_labels(surface)):
                facts.append(Fact("role", si, min(rs, person.start), max(tail_end, person.end), person=person.text,
                                  org=org_name, role=lab, role_surface=surface.strip(), interim=interim,
                                  org_inferred=inferred, modality="stated", **self._pub(ctx),
                                  detail=dict(detail, combined=True) if n else detail))
            if since and not future and not former and org_name and label not in lex.collective_roles:
                # "X, en place depuis 2021": the term's start is an event of the timeline
                first = next(t for t in ctx.times if t.interval_start == since[0] and t.start >= tail_end)
                facts.append(Fact("appointment", si, min(rs, person.start), max(tail_end, person.end),
                                  person=person.text, org=org_name, role=label, role_surface=surface.strip(),
                                  interim=interim, org_inferred=inferred, modality="stated",
                                  date=first.interval_start, date_end=first.interval_end, granularity=since[1],
                                  date_text=first.text, date_basis="text", detail={"trigger": "depuis", "since": True}))
            if until is not None and org_name and label not in lex.collective_roles:
                # the end of the term, as the timeline's exit (planned, or told as past)
                facts.append(Fact("departure", si, min(rs, person.start), max(tail_end, person.end),
                                  person=person.text, org=org_name, role=label, role_surface=surface.strip(),
                                  interim=interim, org_inferred=inferred,
                                  modality="plan" if remaining == "plan" else "stated",
                                  date=until.interval_start, date_end=until.interval_end, granularity=_gran(until),
                                  date_text=until.text, date_basis="text", detail={"trigger": "jusqu'à", "until": True}))
        return facts

    def _until(self, ctx: _DocContext, si: int, at: int) -> TimeExpression | None:
        """"restera président et se chargera de ... jusqu'à l'expiration de son mandat, le 31
        décembre": the date the term lasts until, told later in the sentence."""
        st = ctx.sents[si]
        m = self.lex.until_re.search(norm(ctx.body[at:st.s.end]))
        if not m:
            return None
        after = at + m.end()
        for t in ctx.times:
            if after <= t.start <= after + 60 and t.interval_start and t.start < st.s.end:
                return t
        return None

    def _since(self, ctx: _DocContext, at: int) -> tuple[str, str] | None:
        """"PDG de Y depuis juillet 2016": the first day and granularity of the term's start."""
        m = self.lex.since_re.match(norm(ctx.body[at:at + 80]))
        if not m or re.search(r"(?<![\w-])(?:qui|que|qu'|dont|où)(?![\w-])", norm(ctx.body[at:at + m.end()])):
            return None
        for t in ctx.times:
            if at + m.end() <= t.start <= at + m.end() + 2 and t.interval_start:
                return t.interval_start, _gran(t)
        return None

    # ------------------------------------------------------------------ events
    def _triggers(self, st: _Sent) -> list[tuple[int, str, str | None]]:
        """(token index, event type, phrase) for every trigger of the sentence."""
        lex = self.lex
        found: dict[int, tuple[str, str | None]] = {}
        for i, phrase, last in _phrase_hits(st, lex.phrase_types):
            if i not in found:
                found[i] = (lex.phrase_types[phrase], phrase)
                st.phrase_end[i] = last
        for i, t in enumerate(st.toks):
            if i in found or t.pos not in ("VERB", "NOUN", "ADJ", "AUX"):
                continue
            lemma = norm(t.lemma)
            etype = lex.trigger_lemmas.get(lemma)
            if etype is None and t.pos in ("ADJ", "VERB"):
                form = norm(st.s.text[t.start - st.s.start:t.end - st.s.start])
                for suf, rep in _PARTICIPLE:
                    if form.endswith(suf):
                        etype = lex.trigger_lemmas.get(form[: -len(suf)] + rep)
                        if etype:
                            lemma = form[: -len(suf)] + rep
                            break
            if etype is None and t.pos == "VERB" and lemma.endswith("e") and lemma + "r" in lex.trigger_lemmas:
                lemma = lemma + "r"  # the tagger's lemma of a present tense: "quitte" for quitter
                etype = lex.trigger_lemmas[lemma]
            if etype is None and lemma in lex.succession_verbs and t.pos == "VERB":
                found[i] = ("succession", None)  # "X remplace Y", "Y sera remplacé par X"
                continue
            if etype is None:
                continue
            ew = lex.events[etype]
            if lemma not in (ew.nouns if t.pos == "NOUN" else ew.verbs):
                continue  # a noun must be a listed noun, a verb a listed verb
            found[i] = (etype, None)
        for i in sorted(found):
            lemma = norm(st.toks[i].lemma)
            if lemma in lex.succession_verbs:
                found[i] = ("succession", None)
        return [(i, et, ph) for i, (et, ph) in sorted(found.items())]

    def _events(self, ctx: _DocContext, si: int, roles: list[Fact], earlier: list[Fact]) -> list[Fact]:
        st = ctx.sents[si]
        lex = self.lex
        out: list[Fact] = []
        for i, etype, phrase in self._triggers(st):
            tok = st.toks[i]
            quoted = ctx.in_quote(tok.start)
            passive = any(st.toks[c].dep in ("aux:pass", "nsubj:pass") for c in st.children[i]) or "Voice=Pass" in tok.morph
            subj = st.child(i, "nsubj", "nsubj:pass")
            objs = st.child(i, "obj", "iobj")
            agent = [c for c in st.children[i] if st.toks[c].dep in ("obl:agent",)]
            obls = st.child(i, "obl", "obl:arg", "obl:mod", "nmod")
            persons: list[Mention] = []
            org: Mention | None = None
            others: list[Mention] = []  # the person replaced, in a succession
            phrase_toks = set()
            if phrase:
                phrase_toks = set(range(i, st.phrase_end.get(i, i + len(_words(phrase)) - 1) + 1))
            nominal = tok.pos == "NOUN" and (not phrase or etype in ("removal", "dismissal"))
            if etype == "investment":
                continue  # read with its amount by _numbers
            if nominal:
                # "le licenciement de X", "la démission d'X"
                # a noun coordinated with the event noun is another event ("le licenciement de X
                # et la nomination de Y"); a name "coordinated" with it is a misparse of an apposition
                sub = st.subtree(i, skip=frozenset(c for c in st.child(i, "conj") if st.toks[c].pos != "PROPN"))
                persons = [m for m in st.span_mentions(sub, "PER") if m.start > tok.start]
                # the first name after the noun, and those coordinated with it
                persons = persons[:1] + [m for m in persons[1:] if any(
                    st.toks[j].dep == "conj" for j in range(len(st.toks)) if st.toks[j].start == m.start)]
                org_c = [m for m in st.span_mentions(sub, "ORG") if m.start > tok.start]
                org = org_c[0] if org_c else None
                head = tok.head
                if org is None and 0 <= head < len(st.toks) and head != i:
                    for c in st.child(head, "nsubj"):
                        m = st.span_mentions(st.subtree(c), "ORG")
                        if m:
                            org = m[0]
                possessive = any(norm(st.toks[c].lemma) in ("son", "un") for c in st.child(i, "det"))
                if not persons and possessive and st.toks[i].dep in ("obj", "nsubj") and etype in ("return", "resignation", "departure"):
                    # "X a fait un retour", "X présente sa démission": the person is the verb's subject
                    if 0 <= head < len(st.toks):
                        p = ctx.subject_person(si, head)
                        persons = [p] if p else []
                if not persons and etype in ("return", "resignation", "departure", "dismissal", "appointment") and any(
                        norm(ctx.body[st.toks[c].start:st.toks[c].end]) in ("son", "sa") for c in st.child(i, "det")):
                    # "après son départ, acté le 9 mars": whose, told by the sentences before
                    p = ctx.resolve_pronoun(si, tok.start, subject=True)
                    persons = [p] if p else []
            elif phrase and etype == "appointment" and phrase in lex.yielding_phrases:
                # "Y laisse sa place à X": X arrives, Y leaves
                last = st.toks[max(phrase_toks)]
                after = [m for m in st.mentions if m.kind == "PER" and m.start >= last.end
                         and len(ctx.body[last.end:m.start]) <= 80
                         and _TO_SUCCESSOR.search(norm(ctx.body[last.end:m.start]))]
                persons = after[:1]
                p = ctx.subject_person(si, i)
                others = [p] if p else []
            elif etype == "succession":
                p = ctx.subject_person(si, i)
                if passive:  # "Y sera remplacé par X": the agent arrives, the subject leaves
                    new = st.span_mentions(sum((st.subtree(c) for c in agent), []), "PER")
                    persons, others = new[:1], [p] if p else []
                else:
                    persons = [p] if p else []
                    old = st.span_mentions(sum((st.subtree(c) for c in objs + obls), []), "PER")
                    others = old[:1]
                if not others and not st.roles:
                    continue  # "X remplace le système": no one is succeeded
                etype = "appointment"
            else:
                patient_first = etype in ("dismissal", "removal", "appointment") or (
                    etype in ("hire", "return") and norm(tok.lemma) not in ("rejoindre", "revenir")) or (
                    etype == "founding" and passive)
                if etype == "founding" and not passive:
                    patient_first = False
                if passive:
                    pat_idx, ag_idx = subj, agent
                elif patient_first:
                    pat_idx, ag_idx = objs, subj
                else:
                    pat_idx, ag_idx = subj, objs + obls
                if phrase:
                    pat_idx = subj
                    ag_idx = [j for j in range(len(st.toks)) if j not in phrase_toks and st.toks[j].start > tok.start][:6]
                if phrase and etype in ("dismissal", "removal"):
                    # "mettre fin aux fonctions de X": the person is named after the phrase
                    end = st.toks[max(phrase_toks)].end
                    after = [m for m in st.mentions if m.kind == "PER" and end <= m.start <= end + 3]
                    if after:
                        pat_idx = []
                        persons = after[:1]
                if etype == "founding":
                    ent_idx = sum((st.subtree(c) for c in pat_idx), [])
                    orgs = st.span_mentions(ent_idx, "ORG")
                    org = orgs[0] if orgs else None
                    founders = st.span_mentions(sum((st.subtree(c) for c in ag_idx), []), "PER")
                    if org is None:
                        continue
                    persons = founders[:1]
                else:
                    for c in pat_idx:
                        if st.toks[c].pos == "PRON":
                            if norm(st.toks[c].lemma) not in lex.person_pronouns:
                                continue
                            if norm(st.toks[c].lemma) == "qui" and _group_subject(st, i):
                                continue  # "des employés qui démissionneront": a group, nobody named
                            p = ctx.resolve_pronoun(si, st.toks[c].start, relative_head=tok.head if norm(st.toks[c].lemma) == "qui" else None,
                                                    subject=st.toks[c].dep.startswith("nsubj"))
                            if p:
                                persons.append(p)
                        else:
                            persons.extend(st.span_mentions(st.subtree(c), "PER"))
                    if not persons and (phrase or pat_idx is subj):
                        # the parser lost the subject: take the name just before, no verb between
                        before = [m for m in st.mentions if m.kind == "PER" and m.end <= tok.start]
                        if before and not any(t.pos == "VERB" and before[-1].end <= t.start < tok.start
                                              for t in st.toks):
                            persons = [before[-1]]
                    if not persons and pat_idx is subj and ("VerbForm=Inf" in tok.morph or (
                            "VerbForm=Part" in tok.morph and tok.dep in ("advcl", "acl", "xcomp") and not passive)) \
                            and 0 <= tok.head < len(st.toks) and tok.head != i and st.toks[tok.head].pos == "VERB":
                        # "il a accepté de reprendre la tête", "Entré chez Y en 1994, il ...": the
                        # subject of the verb it completes
                        p = ctx.subject_person(si, tok.head)
                        persons = [p] if p else []
                    ag_m = st.span_mentions(sum((st.subtree(c) for c in ag_idx), []), "ORG")
                    org = ag_m[0] if ag_m else None
                    if org is None:
                        o2 = st.span_mentions(sum((st.subtree(c) for c in obls + objs), []), "ORG")
                        org = o2[0] if o2 else None
            persons = _unique(_coordinated(ctx.body, st, persons))
            if quoted:
                persons = [p for p in persons if ctx.in_quote(p.start)]
            if etype in lex.person_events and not persons:
                continue
            modality, negated = self._modality(ctx, si, i)
            if etype == "return" and not self._is_return(ctx, si, i, persons, earlier, phrase):
                if phrase not in lex.takeover_phrases:
                    continue
                etype = "appointment"  # "reprend la tête de Y" with no sign of an earlier term
            role_label, role_surface, interim = None, None, False
            sub_spans = [(st.toks[j].start, st.toks[j].end) for j in st.subtree(i)]
            rspans = [r for r in st.roles if r[0] >= tok.start
                      and any(a <= r[0] < b for a, b in sub_spans)
                      and (r[0] - tok.end < 25 or _ROLE_INTRO.search(norm(ctx.body[max(0, r[0] - 25):r[0]])))
                      and not _PLURAL_BEFORE.search(norm(ctx.body[max(0, r[0] - 12):r[0]]))]
            if not rspans and tok.pos == "NOUN" and etype in lex.person_events:
                # "la nomination de X au poste de DG", the post hung on the verb by the parser
                rspans = [r for r in st.roles if tok.end <= r[0] <= tok.end + 80
                          and _ROLE_INTRO.search(norm(ctx.body[max(0, r[0] - 25):r[0]]))
                          and not any(t.pos in ("VERB", "AUX") and tok.end <= t.start < r[0] for t in st.toks)][:1]
            extra_roles: list[tuple[str, str]] = []
            if rspans and etype in lex.person_events:
                role_label, role_surface = rspans[0][2], rspans[0][3]
                # "nommé administrateur référent et vice-président du conseil": both posts
                following = sorted(r for r in st.roles if r[0] > rspans[0][0])
                for a, b in zip([rspans[0]] + following, following):
                    if not re.fullmatch(r"\s*(?:et|,)\s*", ctx.body[a[1]:b[0]]):
                        break
                    extra_roles.append((b[2], b[3]))
                # "nommé directeur général d'Y": the organisation of the post named
                org = _post_org(ctx.body, st, rspans[0][1], lex.company_noun_re)[1] or org
            if norm(tok.lemma) in lex.role_required and not phrase and not rspans:
                continue  # "devenu un empire": no post, no event
            if org is not None and (self._descriptor(ctx, org) or _in_aside(
                    ctx.body[st.s.start:org.start], ctx.body[org.end:st.s.end])):
                # "la tête de la firme de Lyon", "du constructeur aux quinze marques (X, Y, Z)":
                # the company is told by context
                org = None
            interim = bool(lex.interim_re.search(norm(ctx.body[tok.start:min(st.s.end, tok.end + 90)])))
            date_info = self._date(ctx, si, i, earlier + out, yearless=True)
            partial = {k: date_info.pop(k) for k in ("yearless", "weekday") if k in date_info}
            effective = self._effective(ctx, si, tok.start, date_info) if etype in ("appointment", "return", "hire") else {}
            for p in persons or [None]:
                o_name, inferred = (org.text, False) if org else (None, True)
                held = {r.org for r in roles if p is not None and r.sentence == si and r.person == p.text
                        and r.role == role_label and not r.detail.get("former")} if etype == "appointment" and role_label else set()
                if o_name in held:
                    # "Le DG de Y, X, a été nommé DG": not of Y, the post X holds already
                    o_name, inferred = (ctx.dominant if ctx.dominant not in held else None), True
                if o_name is None and p is not None:
                    own = [r for r in roles if r.person == p.text and r.org and not r.org_inferred and r.org not in held
                            and not r.detail.get("former")]  # "ancien PDG de Y" is not where X goes
                    if own:
                        o_name = own[0].org
                        if role_label is None and etype in _EXITS | {"return"}:
                            role_label, role_surface = own[0].role, own[0].role_surface
                if o_name is None and etype not in lex.explicit_org:
                    sent_orgs = {m.key: m for m in st.mentions if m.kind == "ORG" and m.start not in ctx.former_orgs
                                 and m.text not in held
                                 and not self._descriptor(ctx, m)}
                    if len(sent_orgs) == 1 and etype != "hire":
                        o_name = next(iter(sent_orgs.values())).text
                    elif p is not None:
                        o_name = ctx.person_org(p, earlier + out)
                    if o_name is None and ctx.dominant and self._company_noun(ctx, si, tok.end):
                        o_name = ctx.dominant  # "à la direction du groupe": the company the article is about
                    if o_name is None:
                        o_name = ctx.recent_org(si, tok.start, p.key if p else None)
                    if o_name in held:
                        o_name = ctx.dominant if ctx.dominant not in held else None
                if o_name is None and etype in lex.explicit_org:
                    continue
                detail: dict[str, Any] = {"trigger": ctx.body[tok.start:tok.end], **effective, **partial}
                if others:
                    detail["replaces"] = others[0].text
                out.append(Fact(etype, si, st.s.start, st.s.end, person=p.text if p else None, org=o_name,
                                role=role_label, role_surface=role_surface, interim=interim,
                                negated=negated, modality=modality, org_inferred=inferred,
                                detail=detail, **date_info))
                for label, surface in extra_roles if etype in ("appointment", "return") else ():
                    out.append(Fact(etype, si, st.s.start, st.s.end, person=p.text if p else None, org=o_name,
                                    role=label, role_surface=surface, interim=interim, negated=negated,
                                    modality=modality, org_inferred=inferred, detail=detail, **date_info))
                if others and etype == "appointment":
                    out.append(Fact("departure", si, st.s.start, st.s.end, person=others[0].text, org=o_name,
                                    negated=negated, modality=modality, org_inferred=inferred,
                                    detail={"trigger": ctx.body[tok.start:tok.end], "replaced_by": p.text if p else None,
                                            **effective, **partial},
                                    **date_info))
        return out

    def _effective(self, ctx: _DocContext, si: int, after: int, date_info: dict[str, Any]) -> dict[str, Any]:
        """The day a post is taken up, when the sentence gives one apart from the day of the news
        ("nommé mardi, il prendra ses fonctions le 1er avril", "qui entrera en fonction le ...")."""
        st = ctx.sents[si]
        for t in ctx.times:
            if not (after < t.start < st.s.end) or not t.interval_start or t.uncertain:
                continue
            if not self.lex.effective_re.search(norm(ctx.body[max(st.s.start, t.start - 45):t.start])):
                continue
            if t.interval_start == date_info.get("date") and date_info.get("date_basis") == "text":
                return {}  # the day of the news is the day it takes effect
            return {"effective": t.interval_start, "effective_end": t.interval_end, "effective_granularity": _gran(t)}
        return {}

    def _company_noun(self, ctx: _DocContext, si: int, after: int) -> bool:
        """The sentence names the company by a common noun after ``after`` ("à la direction du
        groupe", "de la firme"), not by its name."""
        return bool(self.lex.company_ref_re.search(norm(ctx.body[after:ctx.sents[si].s.end])[:120]))

    def _descriptor(self, ctx: _DocContext, m: Mention) -> bool:
        """A name standing for the company ("la firme de Lyon"), not the company's name, or a
        party to the merger that made it ("né de la fusion entre X et Y")."""
        before = norm(ctx.body[max(0, m.start - 60):m.start])
        return bool(self.lex.descriptor_re.search(before[-30:]) or self.lex.merger_re.search(before))

    def _is_return(self, ctx: _DocContext, si: int, i: int, persons: list[Mention], earlier: list[Fact],
                   phrase: str | None = None) -> bool:
        """A return to a post, not a visit: a post named, or an earlier exit, and no purpose clause.
        A takeover ("reprend la tête de Y") is a return only when the article says the person was
        there before: an earlier exit, return or former title of theirs, or "de nouveau", "qu'il
        avait quitté" in the sentence."""
        st = ctx.sents[si]
        tok = st.toks[i]
        lemma = norm(tok.lemma)
        if phrase in self.lex.takeover_phrases:
            names = {p.key for p in persons}
            before = any(f.person and person_key(f.person) in names and (
                f.type in _EXITS or f.type == "return" or (f.type == "role" and f.detail.get("former")))
                for f in earlier)
            return before or bool(self.lex.again_re.search(st.low))
        if lemma not in self.lex.events["return"].verbs | self.lex.events["return"].nouns:
            return True  # "réintégrer", "reprendre son poste": unambiguous
        window = norm(ctx.body[tok.end:min(st.s.end, tok.end + 80)])
        if lemma == "rappeler":
            # "Y rappelle son ancien patron X", "X a été rappelé aux commandes"; never "il rappelle que"
            if self.lex.return_posts_re.search(window):
                return True
            obj = sum((st.subtree(c) for c in st.child(i, "obj")), [])
            return bool(st.span_mentions(obj, "PER")) and any(
                r[0] > tok.start and any(st.toks[j].start == r[0] for j in obj) for r in st.roles)
        if lemma not in ("revenir", "retour"):
            return True
        purpose = any(re.search(rf"(?<!\w){re.escape(p)}\s+\w+(?:er|ir|re)\b", window) for p in self.lex.purpose)
        if purpose:
            return False
        if self.lex.return_posts_re.search(window) or any(r[0] > tok.start for r in st.roles):
            return True
        # back in an organisation ("revient chez Y", "son retour dans l'entreprise"), no purpose given
        dest = re.match(r"\s*(?:chez|dans|à|au sein de)\s+(?:l'|la |le )?", window)
        if dest:
            at = tok.end + dest.end()
            if any(m.kind == "ORG" and at <= m.start <= at + 2 for m in st.mentions) or \
                    self.lex.generic_org_re.match(window[dest.end():]):
                return True
        names = {p.key for p in persons}
        if any(f.type in _EXITS and f.person and person_key(f.person) in names for f in earlier):
            return True
        # "cinq jours après son éviction, X revient": the exit is named in the same sentence
        return any(t.pos == "NOUN" and self.lex.trigger_lemmas.get(norm(t.lemma)) in _EXITS
                   for t in st.toks if t.start < tok.start)

    def _modality(self, ctx: _DocContext, si: int, i: int) -> tuple[str, bool]:
        lex = self.lex
        st = ctx.sents[si]
        tok = st.toks[i]
        chain = [i] + st.ancestors(i)[:3]
        negated = False
        for c in st.children[i]:
            if norm(st.toks[c].lemma) in ("ne", "n'", "jamais", "pas") and st.toks[c].dep.startswith("advmod"):
                negated = True
        morphs = [st.toks[j].morph for j in [i] + st.child(i, "aux", "aux:tense", "aux:pass")]
        if tok.pos == "NOUN" and 0 <= tok.head < len(st.toks):
            h = tok.head
            morphs += [st.toks[j].morph for j in [h] + st.child(h, "aux", "aux:tense", "aux:pass")]
        modality = "stated"
        if any("Mood=Cnd" in m for m in morphs):
            modality = "hypothetical"
        elif any("Mood=Sub" in m for m in morphs) and not any(
                norm(st.toks[c].lemma) in ("après", "avant", "bien") for c in st.child(i, "mark")):
            modality = "hypothetical"  # "qu'il revienne": wished, not done ("après qu'il ait" is usage)
        for j in chain[1:]:
            lem = norm(st.toks[j].lemma)
            if lem in lex.unrealised or lem in lex.hypothetical:
                modality = "hypothetical"
            if st.toks[j].pos == "VERB" and "VerbForm=Inf" in st.toks[j].morph and any(
                    norm(st.toks[c].lemma) in lex.purpose for c in st.child(j, "mark", "case")):
                modality = "hypothetical"  # "un vote est prévu pour valider sa nomination"
            if any(norm(st.toks[c].lemma) == "si" and st.toks[c].dep == "mark" for c in st.children[j]):
                modality = "hypothetical"
        if any(norm(st.toks[c].lemma) == "si" and st.toks[c].dep == "mark" for c in st.children[i]):
            modality = "hypothetical"
        if any(norm(st.toks[c].lemma) in lex.unrealised for c in st.child(i, "case", "det", "amod")):
            modality = "hypothetical"  # "quant au retour", "un éventuel retour"
        if "VerbForm=Inf" in tok.morph and modality == "stated":
            h = tok.head
            if 0 <= h < len(st.toks) and h != i and norm(st.toks[h].lemma) not in lex.implicative:
                modality = "hypothetical"
        if modality == "stated":
            if any("Tense=Fut" in m for m in morphs) or lex.plan_re.search(st.low):
                modality = "plan"
            elif lex.reported_re.search(st.low):
                modality = "reported"
        return modality, negated

    def _date(self, ctx: _DocContext, si: int, i: int, earlier: list[Fact], yearless: bool = False) -> dict[str, Any]:
        """The date of the event told by token ``i``: a date of its clause, else the day the
        article's story is at, else the article's own date. ``yearless``: a day the text gives
        without a year in an article of unknown date ("jeudi 22 août") is returned as such
        (``yearless``: "08-22", ``weekday``), for the story to place with other sources."""
        st = ctx.sents[si]
        tok = st.toks[i]
        in_q = ctx.in_quote(tok.start)
        anc = set(st.ancestors(i))
        # a date inside the verb's subject describes the subject ("X, PDG depuis lundi, démissionne")
        # (nor does one in a fronted adverbial clause: "Arrivé en 2011 à la tête du groupe, X a renoncé")
        fronted = [c for c in st.child(i, "advcl") if st.toks[c].start < tok.start]
        sub_i = set(st.subtree(i, prune=frozenset({"acl:relcl", "parataxis"}),
                               skip=frozenset((st.child(i, "nsubj", "nsubj:pass") if tok.pos != "NOUN" else []) + fronted)))
        best: tuple[int, TimeExpression] | None = None
        for t in ctx.times:
            if not (st.s.start <= t.start < st.s.end) or (ctx.in_quote(t.start) and not in_q):
                continue
            if t.granularity in ("decade", "century"):
                continue  # "les acquisitions des années 2010": an era, not the day of an event
            if not t.interval_start and not (yearless and _YEARLESS.fullmatch(t.value)):
                continue  # a duration ("pour deux ans") or a time of day: no day of its own
            idxs = [j for j, k in enumerate(st.toks) if t.start <= k.start < t.end]
            if not idxs:
                continue
            roots = [j for j in idxs if st.toks[j].head not in idxs or st.toks[j].head == j]
            root = roots[0]
            att = st.toks[root].head
            if i in set(st.subtree(root)) and i not in idxs and any(k not in idxs for k in _path_up(st, i, root)):
                continue  # "dans les heures suivant le licenciement" (not a noun the parser hung on the date)
            if att != i and att not in anc and 0 <= att < len(st.toks) and st.toks[att].pos == "NOUN" \
                    and any(st.toks[j].pos == "VERB" for j in _path_up(st, att, i)):
                continue  # the date of a noun in another clause: "sans attendre son remplacement en 2032"
            # "X accepte de revenir, a précisé Y dimanche": the day of the incise that reports it
            incise = 0 <= att < len(st.toks) and att not in anc and norm(st.toks[att].lemma) in self.lex.speech \
                and (st.toks[att].head in anc or st.toks[att].head == i)
            # "son départ, acté le 9 mars": a participle right after the event noun
            follows = 0 <= att < len(st.toks) and st.toks[att].dep == "acl" and tok.pos == "NOUN" \
                and 0 <= st.toks[att].start - tok.end <= 3
            if att == i or att in anc or root in sub_i or att in sub_i or root == i or incise or follows:
                dist = abs(t.start - tok.start)
                if best is None or dist < best[0]:
                    best = (dist, t)
        if best:
            t = best[1]
            if not t.interval_start:
                wd = [n for w, n in self.tagger.weekdays.items() if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", t.text.lower())]
                return {"date_text": t.text, "granularity": "day", "date_basis": "text", "yearless": t.value[5:],
                        "weekday": wd[0] if wd else None}
            if t.uncertain:  # a relative expression under a coarse anchor: an estimate
                return {"date": t.interval_start, "date_end": t.interval_end, "granularity": "range",
                        "date_text": t.text, "date_basis": "inferred"}
            return {"date": t.interval_start, "date_end": t.interval_end, "granularity": _gran(t),
                    "date_text": t.text, "date_basis": "text"}
        if self.lex.same_time_re.search(st.low):
            prev = [f for f in earlier if f.date and f.date_basis in ("text", "context") and si - 2 <= f.sentence < si
                    and f.modality in ("stated", "reported") and not f.detail.get("since")]
            if prev:
                p = prev[-1]
                return {"date": p.date, "date_end": p.date_end, "granularity": p.granularity,
                        "date_text": p.date_text, "date_basis": "context"}
        tense = tok.morph
        if tok.pos == "NOUN" and 0 <= tok.head < len(st.toks):
            tense = st.toks[tok.head].morph
        auxs = [st.toks[c].morph for c in st.child(i, "aux", "aux:tense")]
        background = "Tense=Imp" in tense or any("Tense=Imp" in a for a in auxs)
        if background and not ctx.in_quote(tok.start):
            # imperfect / pluperfect: background, not the day being told (a narrative imperfect
            # says which day it is: "dans la foulée, X démissionnait", read above)
            return {}
        # (a planned day, "quittera le 30 juin", is not the day of what the article tells next)
        recent = [f for f in earlier if f.date and f.date_basis in ("text", "context") and si - 6 <= f.sentence < si
                  and f.granularity == "day" and f.modality in ("stated", "reported") and not f.detail.get("since")
                  and (ctx.latest is None or f.date <= ctx.latest)]
        if recent and not ctx.in_quote(tok.start):
            p = recent[-1]  # the story told so far in this article is about that day
            return {"date": p.date, "date_end": p.date_end, "granularity": p.granularity,
                    "date_text": p.date_text, "date_basis": "context"}
        if ctx.anchor is not None and not ctx.in_quote(tok.start):
            return dict(self._pub(ctx), date_text=None)
        return {}

    # ------------------------------------------------------------------ numbers
    def _numbers(self, ctx: _DocContext, si: int) -> list[Fact]:
        st = ctx.sents[si]
        lex = self.lex
        out: list[Fact] = []
        lemmas = {norm(t.lemma) for t in st.toks}
        lemmas |= {norm(t.lemma)[:-1] + "er" for t in st.toks if norm(t.lemma).endswith("e")}  # "compte" -> compter
        low = st.low
        base = st.s.start
        pet = bool(lemmas & (lex.petition_nouns | lex.petition_verbs)) or bool(
            _phrase_hits(st, lex.petition_phrases))
        for m in lex.count_re.finditer(low):
            count = _num(m.group(1))
            total = _num(m.group(2)) if m.group(2) else None
            qual = _qualifier(lex, low[:m.start()])
            after = ctx.body[base + m.end():base + m.end() + 40]
            tail = [o for o in st.mentions if o.kind == "ORG" and 0 <= o.start - (base + m.end()) <= 6
                    and re.match(r"\s*(?:de|d'|d’|du|chez)", after)]
            org = tail[0].text if tail else None
            total_m = re.search(rf"(?:sur|des|parmi)\s+(?:les\s+)?{NUMBER}", low[m.end():m.end() + 20])
            if total is None and total_m:
                total = _num(total_m.group(1))
            inferred = org is None
            if org is None and ctx.dominant and lex.generic_org_re.search(low[max(0, m.start() - 40):m.start()]):
                org = ctx.dominant  # "l'entreprise compte 700 salariés": the article's company
            if org is None:
                org = ctx.recent_org(si, base + m.end())
            if org is None:
                continue
            if pet and not re.search(r"\bnouveaux?\b", low[m.start():m.end()]):
                out.append(Fact("petition", si, base + m.start(), base + m.end(), org=org, org_inferred=inferred,
                                modality=self._sentence_modality(ctx, si),
                                detail={"value": _display(count, qual), "count": count, "qualifier": qual,
                                        "total": total, "unit": m.group(3)},
                                **self._pub(ctx)))
                if total:
                    out.append(Fact("headcount", si, base + m.start(), base + m.end(), org=org, org_inferred=inferred,
                                    detail={"value": str(total), "count": total, "qualifier": "exact"},
                                    **self._pub(ctx)))
            elif lemmas & (lex.headcount_verbs | lex.headcount_nouns) and not re.search(r"\bnouveaux?\b", low[m.start():m.end()]):
                out.append(Fact("headcount", si, base + m.start(), base + m.end(), org=org, org_inferred=inferred,
                                modality=self._sentence_modality(ctx, si),
                                detail={"value": _display(count, qual), "count": count, "qualifier": qual,
                                        "unit": m.group(3)}, **self._pub(ctx)))
        # stakes: "détient 49 % du capital de Y"
        if lemmas & (lex.stake_verbs | lex.stake_nouns):
            for m in lex.percent_re.finditer(low):
                pos = base + m.start()
                after_orgs = [o for o in st.mentions if o.kind == "ORG" and 0 <= o.start - (base + m.end()) <= 40]
                before_orgs = [o for o in st.mentions if o.kind == "ORG" and o.end <= pos]
                verb = [i for i, t in enumerate(st.toks) if norm(t.lemma) in lex.stake_verbs]
                holder = ctx.subject_org(si, verb[0]) if verb else None
                state = self._state_holder(low[:m.start()])
                if holder is None and before_orgs and not (state and state[1] > before_orgs[-1].end - base):
                    holder = before_orgs[0]
                # the State named nearer the share than any company: "l'État, actionnaire à 14 %"
                holder_name = holder.text if holder else (state[0] if state else None)
                target = after_orgs[0].text if after_orgs else None
                if target is None and lex.stake_target_re.match(low[m.end():]):
                    # "actionnaire à 14 % de la compagnie": the company the article is about
                    target = ctx.recent_org(si, pos) or ctx.dominant
                if target is None or holder_name is None or (holder is not None and after_orgs
                                                              and holder.key == after_orgs[0].key):
                    continue
                out.append(Fact("stake", si, pos, base + m.end(), org=target,
                                modality=self._sentence_modality(ctx, si), org_inferred=not after_orgs,
                                detail={"holder": holder_name, "value": m.group(0).strip(),
                                        "percent": float(m.group(1).replace(",", "."))}, **self._pub(ctx)))
        # investments: "a investi 13 milliards de dollars dans Y"
        inv = lex.events["investment"]
        trig = [i for i, t in enumerate(st.toks) if norm(t.lemma) in inv.verbs | inv.nouns]
        if trig:
            for m in lex.amount_re.finditer(low):
                if not m.group(1):
                    continue  # "des milliards": too vague to compare
                amount = _num(m.group(1)) * lex.multipliers.get(m.group(2) or "", 1)
                investor = ctx.subject_org(si, trig[0])
                targets = [o for o in st.mentions if o.kind == "ORG" and (investor is None or o.key != investor.key)]
                dans = [o for o in targets if re.search(r"(?:dans|chez|en)\s*(?:l')?\s*$", norm(ctx.body[max(0, o.start - 8):o.start]))]
                target = (dans or targets or [None])[0]
                if target is None:
                    continue
                out.append(Fact("investment", si, base + m.start(), base + m.end(), org=target.text,
                                modality=self._sentence_modality(ctx, si),
                                detail={"investor": investor.text if investor else None, "value": st.s.text[m.start():m.end()],
                                        "amount": amount, "currency": lex.currency_of.get(m.group(3)),
                                        }, **self._date(ctx, si, trig[0], [])))
        tenures = self._tenures(ctx, si)
        out.extend(tenures)
        # ages: "X, 65 ans," / "fêtera ses 66 ans en mars" (never the years of a tenure)
        for m in lex.age_re.finditer(low):
            pos = base + m.start()
            if any(t.start <= pos < t.end for t in tenures):
                continue
            pers = [p for p in st.mentions if p.kind == "PER" and p.end <= pos]
            if not pers:
                continue
            gap = norm(ctx.body[pers[-1].end:pos])
            # "il a 65 ans", "fêtera ses 66 ans": the verb itself, right before the age (never the
            # auxiliary of "qui a dirigé Y pendant 15 ans")
            birthday = [i for i, t in enumerate(st.toks) if norm(t.lemma) in lex.birthday and t.start < pos
                        and t.pos == "VERB" and pos - t.end <= 12]
            if not (re.fullmatch(r"\s*[,(]\s*(?:âgée? de\s*)?", gap) or re.fullmatch(r"\s*,?\s*(?:âgée?|est âgée?) de\s*", gap) or birthday):
                continue
            date_info = self._date(ctx, si, birthday[-1], []) if birthday else self._pub(ctx)
            out.append(Fact("age", si, pos, base + m.end(), person=pers[-1].text,
                            modality=self._sentence_modality(ctx, si),
                            detail={"value": int(m.group(1)), "birthday": bool(birthday)}, **date_info))
        return out

    def _state_holder(self, before: str) -> tuple[str, int] | None:
        """"l'État français, qui détient 14 %": the State as a shareholder (its name, accents
        restored, with its nationality when given)."""
        found = list(self.lex.state_holder_re.finditer(before))
        if not found:
            return None
        m = found[-1]
        word = {"etat": "État", "état": "État"}.get(m.group(1), m.group(1).capitalize())
        return (f"{word} {m.group(2)}" if m.group(2) else word), m.start()

    def _tenures(self, ctx: _DocContext, si: int) -> list[Fact]:
        """How long a person held a post or stayed at an organisation ("après neuf ans à la tête
        de Y", "a passé 12 ans chez Y", "chez Y depuis 15 ans", "resté en fonction deux ans"):
        a tenure in years, with the organisation when the sentence names it."""
        lex = self.lex
        st = ctx.sents[si]
        out: list[Fact] = []
        low = st.low
        listed = False  # "dont 14 années au conseil, 9 ans comme DG et 9 ans comme président"
        for m in self._tenure_re.finditer(low):
            before, after = low[:m.start()], low[m.end():]
            if not (lex.tenure_lead_re.search(before) or (listed and re.search(r"(?:,|\bet|\bdont)\s+$", before))):
                listed = False
                continue
            place = lex.tenure_place_re.match(after)
            post_before = lex.tenure_post_before_re.search(before)
            orgs = [o for o in st.mentions if o.kind == "ORG" and not self._descriptor(ctx, o)]
            if not place and not post_before and not (orgs and re.search(r"(?:chez|au sein d[eu']|à la tête d[eu'])", before[-60:])):
                listed = False
                continue
            listed = True
            pos = st.s.start + m.start()
            if ctx.in_quote(pos):
                continue
            person = self._tenure_person(ctx, si, pos)
            if person is None:
                continue
            years = self.tagger.numbers.get(m.group(1)) or _num(m.group(1))
            value = years + (0.5 if m.group(2) else 0)
            after_org = [o for o in orgs if o.start >= pos]
            org = (after_org or orgs or [None])[0]
            # years at the company ("de service", "chez Y") or in a post ("à la tête", "comme",
            # "au sein du conseil"), and which post when it is named ("comme directeur général")
            board = bool(re.match(r"\s*(?:au sein|au) du conseil", after))
            at = "post" if post_before or board or (place is not None and not re.match(
                r"\s*(?:de service|chez|au sein)", after)) else "company"
            role = None
            if place is not None and at == "post":
                r = lex.role_re.match(after, place.end() + len(re.match(r"\s*(?:d[eu']|la |le |l')?\s*", after[place.end():]).group()))
                role = lex.role_label(r.group(0)) if r else None
            if board:
                role = "board member"
            detail = {"value": int(value) if float(value).is_integer() else value, "unit": "years", "at": at}
            out.append(Fact("tenure", si, pos, st.s.start + m.end(), person=person.text, role=role,
                            org=org.text if org else ctx.recent_org(si, pos, person.key),
                            org_inferred=org is None, modality=self._sentence_modality(ctx, si),
                            detail=detail, **self._pub(ctx)))
        return out

    @property
    def _tenure_re(self) -> re.Pattern[str]:
        rx = getattr(self, "_tenure_rx", None)
        if rx is None:
            words = "|".join(sorted((re.escape(w) for w in self.tagger.numbers), key=len, reverse=True))
            rx = re.compile(rf"(?<![\w.,-])(\d{{1,2}}|{words})\s+(?:ans|années)(\s+et\s+demi)?(?![\w-])")
            self._tenure_rx = rx
        return rx

    def _tenure_person(self, ctx: _DocContext, si: int, pos: int) -> Mention | None:
        st = ctx.sents[si]
        before = [p for p in st.mentions if p.kind == "PER" and p.end <= pos and not ctx.in_quote(p.start)]
        if before and re.match(r"\s*,\s*(?:qui\b|rest[ée]e?s?\b|en poste\b|en fonction\b)", norm(ctx.body[before[-1].end:pos])) \
                and "," not in norm(ctx.body[before[-1].end:pos]).strip()[1:]:
            return before[-1]  # "..., Y, qui a occupé ce poste pendant neuf ans", "Y, resté en fonction deux ans"
        main = ctx._main_subject(si)
        if main is not None and main.end <= pos and not ctx.in_quote(main.start):
            return main  # "X a laissé sa place à Y après quinze ans à ce poste": X's years
        if before:
            return before[-1]
        after = [p for p in st.mentions if p.kind == "PER" and p.start > pos and not ctx.in_quote(p.start)]
        if after and pos - st.s.start < 12:
            return after[0]  # "Après deux ans à la tête de Y, X est limogé"
        fronted = pos - st.s.start < 12 and re.search(r"^[^,]*,\s*(?:il|elle)\b", norm(st.s.text))
        return ctx.resolve_pronoun(si, pos, subject=True) if fronted or re.match(
            r"\s*(?:il|elle|l'|celui|celle)\b", norm(st.s.text)) or st.toks and st.toks[0].pos == "VERB" else None

    def _pub(self, ctx: _DocContext) -> dict[str, Any]:
        """The article's own date: its publication day, or the month or range it is known to
        (basis "inferred" when only estimated from the dates it reports)."""
        a = ctx.anchor
        if a is None:
            return {}
        return {"date": a.start.isoformat(), "date_end": a.end.isoformat() if a.end else None,
                "granularity": a.granularity, "date_basis": "inferred" if a.basis == "inferred" else "published"}

    def _sentence_modality(self, ctx: _DocContext, si: int) -> str:
        st = ctx.sents[si]
        if any("Mood=Cnd" in t.morph for t in st.toks) or any(norm(t.lemma) == "si" and t.dep == "mark" for t in st.toks):
            return "hypothetical"
        if self.lex.reported_re.search(st.low):
            return "reported"
        return "stated"


def _group_subject(st: "_Sent", verb: int) -> bool:
    """The verb's subject "qui" stands for a group, not someone named: the verb (or its
    auxiliary) is plural and its antecedent a common noun that no person name covers ("des
    employés qui démissionneront"; not "l'un des fondateurs, qui a démissionné")."""
    t = st.toks[verb]
    forms = [t] + [st.toks[c] for c in st.child(verb, "aux", "aux:pass")]
    if not any("Number=Plur" in x.morph for x in forms) or any("Number=Sing" in x.morph for x in forms):
        return False
    ant = t.head
    if not 0 <= ant < len(st.toks) or ant == verb:
        return False
    a = st.toks[ant]
    return a.pos == "NOUN" and not any(m.kind == "PER" and m.start <= a.start < m.end for m in st.mentions)


@dataclass
class _DocContext:
    body: str
    dct: date | None
    published: str | None
    sents: list[_Sent]
    times: list[TimeExpression]
    quotes: list[tuple[int, int]]
    dominant: str | None
    anchor: Anchor | None = None
    # organisation mention start -> the person a role statement ties it to ("X, ex-PDG de Y")
    claimed: dict[int, str] = field(default_factory=dict)
    # organisation mention starts that a role statement calls someone's former employer
    former_orgs: set[int] = field(default_factory=set)

    @property
    def latest(self) -> str | None:
        """The last day the article can have been written, when known."""
        return self.anchor.end.isoformat() if self.anchor is not None and self.anchor.end else None

    def in_quote(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.quotes)

    def sentence_index(self, offset: int) -> int | None:
        for i, st in enumerate(self.sents):
            if st.s.start <= offset < st.s.end:
                return i
        return None

    def recent_org(self, si: int, offset: int, person: str | None = None) -> str | None:
        """The organisation named last before this point (this and the three previous sentences),
        leaving out one that a role statement ties to another person ("Y, ancien PDG de Z")."""
        for j in range(si, max(-1, si - 4), -1):
            s0 = self.sents[j].s.start
            orgs = [m for m in self.sents[j].mentions if m.kind == "ORG" and m.start < offset
                    and self.claimed.get(m.start, person) == person and m.start not in self.former_orgs
                    and not _in_aside(self.body[s0:m.start], self.body[m.end:offset if j == si else self.sents[j].s.end])]
            if orgs:
                return orgs[-1].text
        return self.dominant

    def person_org(self, p: Mention, earlier: list[Fact]) -> str | None:
        """The organisation this person was last tied to in the article (stated ones first)."""
        mine = [f for f in earlier if f.person and f.org and person_key(f.person) == p.key
                and not f.detail.get("former")]
        stated = [f for f in mine if not f.org_inferred]
        return (stated or mine or [None])[-1].org if mine else None

    def resolve_pronoun(self, si: int, offset: int, relative_head: int | None = None,
                        subject: bool = False) -> Mention | None:
        st = self.sents[si]
        if relative_head is not None and 0 <= relative_head < len(st.toks):
            h = st.toks[relative_head].head
            if 0 <= h < len(st.toks):
                m = st.span_mentions(st.subtree(h, prune=frozenset({"acl:relcl", "punct"})), "PER")
                m = [x for x in m if x.end <= offset] or m  # the antecedent comes before "qui"
                if m:
                    return m[-1]
        pers = [m for m in st.mentions if m.kind == "PER" and m.end <= offset and not self.in_quote(m.start)]
        if pers:
            return pers[-1]
        for j in range(si - 1, max(-1, si - 3), -1):
            pers = [m for m in self.sents[j].mentions if m.kind == "PER" and not self.in_quote(m.start)]
            if pers:
                if subject:
                    # a subject pronoun opening a sentence continues the previous sentence's
                    # subject ("X a laissé sa place à Y. Il revient ..." is X)
                    main = self._main_subject(j)
                    if main is not None and not self.in_quote(main.start):
                        return main
                return pers[-1]
        return None

    def _main_subject(self, si: int) -> Mention | None:
        """The person the sentence is about: its main verb's subject, else the first person
        named outside its relative and subordinate clauses."""
        st = self.sents[si]
        for i, t in enumerate(st.toks):
            if t.dep == "ROOT":
                for c in st.child(i, "nsubj", "nsubj:pass"):
                    m = st.span_mentions(st.subtree(c), "PER")
                    if m:
                        return m[0]
                main = st.subtree(i, prune=frozenset({"acl:relcl", "advcl", "ccomp", "parataxis", "acl"}))
                m = st.span_mentions(main, "PER")
                if m:
                    return m[0]
        return None

    def subject_person(self, si: int, i: int) -> Mention | None:
        return self._subject(si, i, "PER")

    def subject_org(self, si: int, i: int) -> Mention | None:
        return self._subject(si, i, "ORG")

    def _subject(self, si: int, i: int, kind: str) -> Mention | None:
        st = self.sents[si]
        seen = set()
        while 0 <= i < len(st.toks) and i not in seen:
            seen.add(i)
            for c in st.child(i, "nsubj", "nsubj:pass"):
                t = st.toks[c]
                if t.pos == "PRON":
                    if norm(t.lemma) == "qui" and st.toks[i].dep == "acl:relcl":
                        h = st.toks[i].head
                        m = st.span_mentions(st.subtree(h, prune=frozenset({"acl:relcl", "punct"})), kind)
                        if m:
                            return m[0]
                    if kind == "PER":
                        return self.resolve_pronoun(si, t.start, subject=True)
                    continue
                m = st.span_mentions(st.subtree(c), kind)
                if m:
                    return m[0]
                if kind == "ORG" and norm(t.lemma) in ("société", "entreprise", "groupe", "éditeur", "géant", "firme"):
                    name = self.recent_org(si, t.start)
                    if name:
                        return Mention(t.start, t.end, name, "ORG", name.lower())
            if st.toks[i].dep in ("advcl", "xcomp", "conj", "acl", "acl:relcl", "ccomp") and st.toks[i].head != i:
                if st.toks[i].dep == "acl:relcl":
                    h = st.toks[i].head
                    m = st.span_mentions([h], kind)
                    if m:
                        return m[0]
                i = st.toks[i].head
            else:
                break
        return None


_POST_LINK = re.compile(r"\s*(?:(?:de|du|des|chez|of|at)(?![\w-])|d')\s*(?:l'|la |le |les )?")


def _post_org(body: str, st: _Sent, end: int, company: re.Pattern[str]) -> tuple[bool, Mention | None]:
    """The organisation named right after a post ending at ``end`` ("PDG de Y", "DG d'Y",
    "PDG chez Y", "PDG du groupe Y"): whether a linking word follows, and the organisation
    mention if one does. ``company``: the company nouns that may come before its name."""
    om = _POST_LINK.match(norm(body[end:end + 60]))
    if not om:
        return False, None
    at = end + om.end()
    cand = [m for m in st.mentions if m.kind == "ORG" and m.start == at] or \
        [m for m in st.mentions if m.kind == "ORG" and 0 <= m.start - at <= 2] or \
        [m for m in st.mentions if m.kind == "ORG" and 0 < m.start - at <= 30
         and company.fullmatch(norm(body[at:m.start]))]  # "PDG du groupe Y"
    return True, (cand[0] if cand else None)


def _in_aside(before: str, after: str) -> bool:
    """A name inside a parenthesis that closes before the point of interest is an aside."""
    return before.count("(") > before.count(")") and ")" in after


def _path_up(st: _Sent, j: int, stop: int) -> list[int]:
    """The tokens from j's head up to (not including) ``stop``; empty if stop is not above j."""
    out = []
    for k in st.ancestors(j):
        if k == stop:
            return out
        out.append(k)
    return []


@lru_cache(maxsize=8192)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+'|[\w.-]+|[^\w\s]", phrase))


def _words(phrase: str) -> list[str]:
    return list(_phrase_words(phrase))


_PLANS: dict[int, tuple[Any, tuple[list[str], dict[str, list[int]], dict[str, list[int]]]]] = {}


def _phrase_plan(phrases: Any) -> tuple[list[str], dict[str, list[int]], dict[str, list[int]]]:
    """The phrases in their order, and their positions by first word and, for a first word
    that is an infinitive, by its first four letters (built once per vocabulary)."""
    got = _PLANS.get(id(phrases))
    if got is None or got[0] is not phrases:
        listed = list(phrases)
        by_first: dict[str, list[int]] = {}
        by_stem: dict[str, list[int]] = {}
        for k, phrase in enumerate(listed):
            words = _phrase_words(phrase)
            w0 = words[0] if words else ""
            by_first.setdefault(w0, []).append(k)
            if len(w0) > 5 and w0.endswith(("er", "ir")):
                by_stem.setdefault(w0[:4], []).append(k)
        got = _PLANS[id(phrases)] = (phrases, (listed, by_first, by_stem))
    return got[1]


def _phrase_hits(st: _Sent, phrases: Any) -> list[tuple[int, str, int]]:
    """(first token, phrase, last token) where a phrase's words match tokens by form or by
    lemma: "assurer les fonctions de" matches "assurait les fonctions de"; up to two adverbs or
    a year may come between its words ("reprend finalement la tête", "arrivé en 2011 à
    la tête")."""
    # where a phrase may start: the tokens whose form or lemma is its first word (and, for an
    # infinitive, whose form starts like it, see _word_match), found by lookup, not by a scan
    # (the index is built once per sentence); only the phrases whose first word (or its first
    # four letters) the sentence has are tried, in the vocabulary's order
    forms, lemmas, where = st.word_index()
    listed, by_first, by_stem = _phrase_plan(phrases)
    tried: set[int] = set()
    for w0 in by_first.keys() & where.keys():
        tried.update(by_first[w0])
    if by_stem:
        for p4 in by_stem.keys() & st.prefix_index().keys():
            tried.update(by_stem[p4])
    hits = []
    for k in sorted(tried):
        phrase = listed[k]
        words = _phrase_words(phrase)
        last = len(forms) - len(words)
        w0 = words[0] if words else ""
        starts = where.get(w0, [])
        if len(w0) > 5 and w0.endswith(("er", "ir")):
            stem = w0[:-2]
            more = [i for i in st.prefix_index().get(stem[:4], ()) if forms[i].startswith(stem)]
            if more:
                starts = sorted(set(starts).union(more))
        for i in starts:
            if i > last:
                break
            j, skipped = i, 0
            for w in words[1:]:
                j += 1
                while j < len(forms) and skipped < 2 and not _word_match(w, forms[j], lemmas[j]) and (
                        st.toks[j].pos in ("ADV", "NUM") or (forms[j] == "en" and j + 1 < len(forms) and st.toks[j + 1].pos == "NUM")):
                    j, skipped = j + 1, skipped + 1  # "reprend finalement la tête", "arrivé en 2011 à la tête"
                if j >= len(forms) or not _word_match(w, forms[j], lemmas[j]):
                    break
            else:
                hits.append((i, phrase, j))
    return hits


def _word_match(word: str, form: str, lemma: str) -> bool:
    if word in (form, lemma):
        return True
    # an infinitive matches its inflected forms when the tagger failed to lemmatise them
    return len(word) > 5 and word.endswith(("er", "ir")) and form.startswith(word[:-2])


def _coordinated(body: str, st: _Sent, persons: list[Mention]) -> list[Mention]:
    """Add the names coordinated with the last one by surface: "X, Y et Z"."""
    if not persons:
        return persons
    out = list(persons)
    for m in st.mentions:
        if m.kind == "PER" and m.start >= out[-1].end and re.fullmatch(r"\s*(?:,|et|,\s*et)\s*", body[out[-1].end:m.start]):
            out.append(m)
    return out


def _unique(ms: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in ms:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out


def _gran(t: TimeExpression) -> str:
    return "day" if t.granularity in ("part-of-day", "time", "hour", "minute") else t.granularity


def _num(text: str) -> float | int:
    t = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):
        t = t.replace(".", "")
    t = t.replace(",", ".")
    v = float(t)
    return int(v) if v.is_integer() else v


def _qualifier(lex: Lexicon, before: str) -> str:
    if lex.at_least_re.search(before):
        return "at least"
    if lex.at_most_re.search(before):
        return "at most"
    if lex.approx_re.search(before):
        return "about"
    return "exact"


def _display(count: float | int, qual: str) -> str:
    return {"at least": f"> {count}", "at most": f"< {count}", "about": f"~{count}"}.get(qual, str(count))
