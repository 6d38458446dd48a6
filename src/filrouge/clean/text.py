"""Cleaning a plain-text page: page furniture, datelines, reader comments, repeated lines
and repeated blocks. General signals only: line shape (length, final punctuation, case),
position (header zone, page tail, after a comment-section heading), repetition inside the
page, and furniture vocabulary from the language files. Every removal keeps its reason.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..lang import Furniture
from ..models import Removal
from .dates import DatelineParser

_WORD = re.compile(r"[\w’'-]+")
_TERMINAL = re.compile(r"[.!?…»\"”)\]:;]\s*$")
_BULLET = re.compile(r"^\s*(?:[•·▪►\-–*]|\d+[.)])\s+")
_LOCALE = re.compile(r"\b[a-z]{2}_[A-Z]{2}")
_NUMBER_LINE = re.compile(r"^[\d\s.,:/-]{1,20}$")
_HASHTAG = re.compile(r"^#\w")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")  # typographic spaces -> one space
# a comma glued to the next word by a bad copy ("en 2030,c'est lui", "exécutif,il a"); never
# inside a number ("2,5") or an address
_GLUED_COMMA = re.compile(r"(?<=[^\W\d_]|\d),(?=[^\W\d_]{2}|[^\W\d_]['’])")


def _unglue_commas(text: str) -> str:
    if "," not in text:
        return text
    return re.sub(r"\S+", lambda m: m.group(0) if "://" in m.group(0) or "@" in m.group(0)
                  else _GLUED_COMMA.sub(", ", m.group(0)), text)


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def norm_key(s: str) -> str:
    """A line's identity for repetition: lower case, no bullets, punctuation or spacing."""
    s = _MARKDOWN_HEADING.sub("", _BULLET.sub("", s)).lower()
    return " ".join(re.findall(r"\w+", s))


def is_sentence(s: str, min_words: int = 5) -> bool:
    return len(_words(s)) >= min_words and bool(_TERMINAL.search(s))


def _shingles(key: str, n: int = 3) -> set[str]:
    w = key.split()
    return {" ".join(w[i : i + n]) for i in range(max(1, len(w) - n + 1))}


@dataclass
class Block:
    index: int
    text: str
    reason: str | None = None  # why it was removed; None while kept


@dataclass
class TextCleanResult:
    title: str | None
    published: str | None
    blocks: list[str]
    comments: list[str]
    removed: list[Removal]
    flags: list[str] = field(default_factory=list)


class TextCleaner:
    """Turns the lines of a plain-text page into article blocks, comments and removals."""

    header_zone = 15  # blocks searched for a dateline
    near_repeat_jaccard = 0.5
    block_gap = 3  # repeats this close together form one repeated block
    min_block_repeats = 3

    def __init__(self, furniture: Furniture) -> None:
        self.f = furniture
        self.datelines = DatelineParser(furniture)
        self._ui = {norm_key(w) for w in furniture.merged("ui_labels")}
        self._share = {norm_key(w) for w in furniture.share_labels}
        self._link_prefixes = tuple(
            sorted({norm_key(w) for w in furniture.merged("link_prefixes")}, key=len, reverse=True)
        )
        self._marketing = self._phrase_re(furniture.merged("marketing_words"))
        self._form_words = {w.lower() for w in furniture.merged("comment_form_words")}
        self._disclaimers = tuple(furniture.merged("disclaimer_phrases"))
        self._agencies = tuple(furniture.photo_agencies)

    @staticmethod
    def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
        alts = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I)

    # ---- one line on its own -------------------------------------------------------
    def furniture_reason(self, line: str, form_words: int = 3) -> str | None:
        """Why a line is page furniture whatever its position, or None. ``form_words``:
        how many comment-form words make a line a comment form (fewer after a comment heading)."""
        key = norm_key(line)
        words = _words(line)
        low = line.lower()
        if not key:
            return "decoration" if not re.search(r"\w", line) else None
        if _NUMBER_LINE.match(line.strip()):
            digits = re.sub(r"\D", "", line)
            return "timestamp" if len(digits) >= 8 else "counter"
        tokens = line.split()
        if len(tokens) >= 2 and sum(1 for t in tokens if _HASHTAG.match(t)) >= 0.6 * len(tokens):
            return "hashtags"
        if key in self._share:
            return "share button"
        if key in self._ui:
            return "navigation"
        if _LOCALE.search(line) and len(words) <= 4:
            return "language switcher"
        if "©" in line and len(words) <= 15:
            return "photo credit"
        if len(words) <= 10 and any(a in low for a in self._agencies) and ("/" in line or "©" in line):
            return "photo credit"
        if any(p in low for p in self._disclaimers):
            return "disclaimer"
        for prefix in self._link_prefixes:
            if key == prefix or key.startswith(prefix + " "):
                if len(words) <= 4 or not is_sentence(line):
                    return "related link" if not prefix.startswith(("source", "ressource")) else "source line"
                break
        n_marketing = len(self._marketing.findall(line))
        letters = [c for c in line if c.isalpha()]
        shouting = len(letters) >= 4 and all(c.isupper() for c in letters)
        if n_marketing and (shouting or (len(words) <= 12 and not is_sentence(line, 3))):
            return "marketing"
        if n_marketing and line.lstrip().startswith("*"):
            return "marketing"
        if sum(1 for w in words if w.lower() in self._form_words) >= form_words and len(words) <= 30:
            return "comment form"
        return None

    def is_comment_header(self, line: str) -> bool:
        s = line.strip()
        return len(_words(s)) <= 8 and any(rx.match(s) for rx in self.f.comment_header_res)

    # ---- the whole page --------------------------------------------------------------
    def clean(self, text: str, *, page_tail: bool = True, comment_section: bool = True) -> TextCleanResult:
        """Clean a page's text. ``page_tail`` and ``comment_section`` can be turned off for
        text that an HTML extractor already stripped of its tail and comments."""
        text = _SPACES.sub(" ", text)
        text = _unglue_commas(text)
        blocks = [Block(i, ln.strip()) for i, ln in enumerate(text.split("\n")) if ln.strip()]
        removed: list[Removal] = []
        flags: list[str] = []

        published = self._take_dateline(blocks)
        first_real = next((i for i, b in enumerate(blocks) if is_sentence(b.text, 8)), 0)
        split = len(blocks)
        if comment_section:
            split = next(
                (i for i, b in enumerate(blocks) if i > first_real and self.is_comment_header(b.text)),
                len(blocks),
            )
        body, tail = blocks[:split], blocks[split:]

        for b in body:
            if b.reason is None:
                b.reason = self.furniture_reason(b.text)
        title = self._mark_repeats(body)
        if page_tail:
            self._trim_tail(body)

        kept = [b for b in body if b.reason is None]
        if title is None and kept and len(_words(kept[0].text)) <= 30 and not kept[0].text.rstrip().endswith("."):
            title = kept[0].text
        for b in blocks[:split]:
            if b.reason is not None:
                removed.append(Removal(b.text, b.reason))
        comments = self._comments(tail, {norm_key(b.text) for b in body}, removed) if tail else []
        if comments:
            flags.append(f"reader comments kept apart ({len(comments)})")
        reasons = Counter(r.reason for r in removed)
        if reasons.get("repeated block"):
            flags.append("repeated block removed")
        if reasons.get("repeated line") or reasons.get("repeated paragraph"):
            flags.append("repeated lines removed")
        return TextCleanResult(title, published, [b.text for b in kept], comments, removed, flags)

    def _take_dateline(self, blocks: list[Block]) -> str | None:
        for b in blocks[: self.header_zone]:
            iso = self.datelines.dateline(b.text)
            if iso:
                b.reason = "dateline"
                return iso
        return None

    def _mark_repeats(self, body: list[Block]) -> str | None:
        """Mark exact and near repeats; remove repeated blocks whole. Returns a title found
        as the heading of a repeated copy of the article, if any."""
        seen: set[str] = set()
        index: dict[str, set[int]] = defaultdict(set)
        shingles: dict[int, set[str]] = {}
        repeat_pos: list[int] = []
        for pos, b in enumerate(body):
            key = norm_key(b.text)
            if not key:
                continue
            if key in seen:
                repeat_pos.append(pos)
                if b.reason is None:
                    b.reason = "repeated line"
                continue
            seen.add(key)
            if len(key.split()) >= 6:
                sh = _shingles(key)
                cands: Counter[int] = Counter()
                for s in sh:
                    for other in index[s]:
                        cands[other] += 1
                for other, inter in cands.most_common(3):
                    union = len(sh) + len(shingles[other]) - inter
                    if inter / union >= self.near_repeat_jaccard:
                        repeat_pos.append(pos)
                        if b.reason is None:
                            b.reason = "repeated paragraph"
                        break
                else:
                    shingles[pos] = sh
                    for s in sh:
                        index[s].add(pos)
        # runs of repeats close together are a repeated copy of the article
        title: str | None = None
        runs: list[list[int]] = []
        for p in repeat_pos:
            if runs and p - runs[-1][-1] <= self.block_gap + 1:
                runs[-1].append(p)
            else:
                runs.append([p])
        for run in runs:
            if len(run) < self.min_block_repeats:
                continue
            for p in range(run[0], run[-1] + 1):
                if body[p].reason in (None, "repeated line", "repeated paragraph"):
                    body[p].reason = "repeated block"
            # the copy's own heading lines, just before it
            p, taken = run[0] - 1, 0
            while p >= 0 and taken < 2:
                b = body[p]
                if b.reason is None:
                    if len(_words(b.text)) > 30 or is_sentence(b.text, 12):
                        break
                    b.reason = "repeated block"
                    taken += 1
                    title = title or b.text
                p -= 1
        return title

    def _trim_tail(self, body: list[Block]) -> None:
        """Remove the page tail: after the last real paragraph, short lines without a
        sentence's shape (calls to action, related headings, sign-offs)."""
        for b in reversed(body):
            if b.reason is not None:
                continue
            if not is_sentence(b.text, 4) and len(_words(b.text)) <= 10:
                b.reason = "page tail"
                continue
            break

    def _comments(self, tail: list[Block], body_keys: set[str], removed: list[Removal]) -> list[str]:
        """Split the region after a comment heading into comments and furniture."""
        keys = [norm_key(b.text) for b in tail]
        counts = Counter(keys)
        separators = {k for k, n in counts.items() if n >= 3 and 0 < len(k.split()) <= 4}
        comments: list[list[str]] = [[]]
        for pos, (b, key) in enumerate(zip(tail, keys, strict=True)):
            if pos == 0:
                reason: str | None = "comment section heading"
            elif key in separators:
                reason = "comment separator"
                if comments[-1]:
                    comments.append([])
            elif key in body_keys:
                reason = "table of contents" if _BULLET.match(b.text) else "repeated line"
            else:
                reason = self.furniture_reason(b.text, form_words=2)
            if reason:
                removed.append(Removal(b.text, reason))
            else:
                comments[-1].append(b.text)
        return ["\n".join(c) for c in comments if c]
