"""Decoding bytes and repairing mojibake.

Order: ftfy first (it knows cp1252/latin-1 mojibake and many special cases), then a
general per-line repair for the code pages ftfy does not try (ISO-8859-16, cp1250,
ISO-8859-2, MacRoman...). A candidate repair re-encodes the line in a code page, decodes
every valid UTF-8 sequence in the result (other bytes keep their original character,
so a genuine curly quote does not block the repair), and is applied only when it
clearly turns more tokens into words of the language's vocabulary. Untouched text
stays untouched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ftfy

from ..errors import InputError

# Code pages tried after ftfy. Order matters only for ties (first wins).
CANDIDATE_CODEPAGES: tuple[str, ...] = (
    "cp1252",
    "latin-1",
    "iso8859_15",
    "iso8859_16",
    "cp1250",
    "iso8859_2",
    "mac_roman",
    "cp1257",
    "iso8859_4",
)

_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_WORD = re.compile(r"\w+")
_FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=True,
    normalization="NFC",
    explain=False,
)

Lexicon = Callable[[str], bool]
"""``lexicon(word) -> bool``: is this (lower-cased) word a word of the language?"""


def decode_bytes(data: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    """Decode a page's bytes; raise InputError for binary or undecodable content."""
    if not data.strip():
        raise InputError(where, "empty file")
    sample = data[:8192]
    if b"\x00" in sample:
        raise InputError(where, "binary file (contains NUL bytes), not a text, HTML, feed or WARC page")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            where, f"undecodable bytes at offset {first_bad} (neither UTF-8 nor Windows-1252)"
        ) from None
    controls = sum(1 for c in text[:8192] if unicodedata.category(c) == "Cc" and c not in "\n\r\t")
    if controls > 0.01 * min(len(text), 8192):
        raise InputError(where, "binary file (too many control characters)")
    return text, ("decoded as windows-1252",)


def _redecode(text: str, codepage: str) -> str:
    """Re-encode ``text`` in ``codepage`` and decode the valid UTF-8 sequences found."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        chunk = "".join(run)
        run.clear()
        raw = chunk.encode(codepage)
        pos = 0
        for m in _UTF8_SEQ.finditer(raw):
            try:
                decoded = m.group().decode("utf-8")
            except UnicodeDecodeError:  # surrogates and overlong forms match the shape only
                continue
            out.append(raw[pos : m.start()].decode(codepage))
            out.append(decoded)
            pos = m.end()
        out.append(raw[pos:].decode(codepage))

    for ch in text:
        if ch.isascii():
            run.append(ch)
            continue
        try:
            ch.encode(codepage)
        except UnicodeEncodeError:
            flush()
            out.append(ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def _nonascii_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if not w.isascii()]


@dataclass(frozen=True, slots=True)
class LineRepair:
    text: str
    codepage: str | None  # None when the line was left as it was
    known_before: int = 0
    known_after: int = 0


class MojibakeRepairer:
    """ftfy, then vocabulary-checked code-page repair line by line.

    ``lexicon`` decides what a word is; ``alphabet`` lists the letters of the language
    beyond ASCII (used to mend a single stray character in a repaired word).
    """

    def __init__(
        self,
        lexicon: Lexicon,
        alphabet: str = "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ",
        codepages: Iterable[str] = CANDIDATE_CODEPAGES,
    ) -> None:
        self.lexicon = lexicon
        self.alphabet = alphabet
        self.codepages = tuple(codepages)

    def _known(self, words: list[str]) -> int:
        return sum(1 for w in words if self.lexicon(w))

    def repair_line(self, line: str) -> LineRepair:
        """Repair one line: ftfy's answer and each code page's are candidates, judged by the
        vocabulary. ftfy's is taken unless it both loses known words and adds unknown ones (the
        vocabulary cannot judge a result in another script: ftfy is trusted there); a code
        page's when it clearly gains words, and more than ftfy's."""
        if line.isascii():
            return LineRepair(line, None)
        words = _nonascii_words(line)
        known0 = self._known(words)
        unknown0 = len(words) - known0
        ftfy_fixed = ftfy.fix_text(line, config=_FTFY_CONFIG)
        fwords = _nonascii_words(ftfy_fixed)
        known_f = self._known(fwords)
        unknown_f = len(fwords) - known_f
        best: LineRepair | None = None
        if unknown0:
            for cp in self.codepages:
                cand = _redecode(line, cp)
                if cand == line:
                    continue
                cwords = _nonascii_words(cand)
                known1 = self._known(cwords)
                unknown1 = len(cwords) - known1
                gain = known1 - known0
                # "clearly more words": a net gain, fewer unknown words, and at least half
                # of the unknown words mended.
                if gain >= 1 and unknown1 < unknown0 and gain * 2 >= unknown0:
                    if best is None or known1 > best.known_after:
                        best = LineRepair(cand, cp, known0, known1)
        if best is not None and best.known_after > known_f:
            return LineRepair(self._mend_stray(best.text), best.codepage, known0, best.known_after)
        other_script = bool(fwords) and not any(ord(c) < 0x250 for w in fwords for c in w if not c.isascii())
        if ftfy_fixed != line and (unknown_f <= unknown0 or known_f >= known0 or other_script):
            return LineRepair(ftfy_fixed, "ftfy", known0, known_f)
        return LineRepair(line, None, known0, known0)

    def _mend_stray(self, line: str) -> str:
        """In a repaired line, a word still unknown because of one character outside the
        language's alphabet is mended when exactly one letter of the alphabet makes it a word."""

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            if word.isascii() or self.lexicon(word.lower()):
                return word
            odd = [i for i, c in enumerate(word) if not c.isascii() and c not in self.alphabet]
            if len(odd) != 1:
                return word
            i = odd[0]
            hits = {
                word[:i] + a + word[i + 1 :]
                for a in self.alphabet
                if self.lexicon((word[:i] + a + word[i + 1 :]).lower())
            }
            # case follows the neighbouring letters, not the stray character
            neighbours = (word[:i] + word[i + 1 :]).strip("_0123456789")
            lower = not neighbours or neighbours[-1].islower()
            hits = {h for h in hits if h[i].islower() == lower} or hits
            return hits.pop() if len(hits) == 1 else word

        return _WORD.sub(fix, line)

    def repair(self, text: str) -> tuple[str, list[str]]:
        """Repair a whole text; return it and the flags describing what was done."""
        flags: list[str] = []
        out_lines: list[str] = []
        used: dict[str, int] = {}
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            rep = self.repair_line(line)
            # a line where ftfy only normalised spacing or punctuation is not a repair
            if rep.codepage and (rep.codepage != "ftfy" or _nonascii_words(rep.text) != _nonascii_words(line)):
                used[rep.codepage] = used.get(rep.codepage, 0) + 1
            out_lines.append(rep.text)
        for cp, n in used.items():
            flags.append(f"mojibake repaired ({cp}, {n} line{'s' if n > 1 else ''})")
        return "\n".join(out_lines), flags
