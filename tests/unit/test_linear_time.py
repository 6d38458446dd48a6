"""The indexes that keep name and phrase lookups linear give what the plain scans gave."""

from __future__ import annotations

import random
import re

from filrouge.extract.mentions import Mention, _Occurrences, _propagate

WORDS = ["Jean", "Jean-Paul", "Martin", "Acme", "ab", "Ab", "é", "Élise", "-", " ", "  ", ",", "\n", "X",
         "X X", "Acme-Martin", "l'Acme", "1er", "Dupont", "_x"]
NAMES = ["Jean", "Martin", "Jean Martin", "Acme", "X X", "X", "Élise Dupont", "Dupont", "Acme-Martin", "1er",
         "l'Acme", "-Acme", "«Acme", "Jean-Paul Martin", "_x"]


def scan(text: str, name: str) -> list[tuple[int, int]]:
    return [h.span() for h in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]


def test_occurrences_are_the_whole_word_matches() -> None:
    rng = random.Random(3)
    for _ in range(800):
        text = "".join(rng.choice(WORDS) + rng.choice([" ", "", "-", ", "]) for _ in range(rng.randint(0, 40)))
        occ = _Occurrences(text)
        for name in NAMES:
            assert occ.spans(name) == scan(text, name), (text, name)


def test_propagated_mentions_do_not_overlap_found_ones() -> None:
    body = "Jean Martin a vu Martin. Martin-Dupont et Martin, puis Jean Martin."
    found = [Mention(0, 11, "Jean Martin", "PER", "martin")]
    got = [(m.start, m.end, m.text) for m in _propagate(body, found)]
    assert got == [(55, 66, "Jean Martin"), (17, 23, "Martin"), (42, 48, "Martin")]
