"""Mojibake repair: fixtures of our own in several code pages, and untouched text."""

from __future__ import annotations

import json

import pytest

from filrouge.clean.encoding import MojibakeRepairer, decode_bytes
from filrouge.errors import InputError

FRENCH = [
    "Le député a présenté un amendement à l'Assemblée après des mois de négociations.",
    "Où est passé le cœur du débat ? Les élèves étaient sûrs de leur réponse.",
    "La société a décidé de fermer l'usine, une décision très critiquée à Lyon.",
]


@pytest.fixture(scope="module")
def repairer(parser):
    return MojibakeRepairer(parser.lexicon)


@pytest.mark.slow
@pytest.mark.parametrize("codepage", ["iso8859_16", "cp1250", "iso8859_2", "cp1252", "latin-1", "mac_roman"])
@pytest.mark.parametrize("text", FRENCH)
def test_utf8_read_as_codepage_is_repaired(repairer, codepage, text):
    try:
        broken = text.encode("utf-8").decode(codepage)
    except UnicodeDecodeError:
        pytest.skip(f"{codepage} cannot decode these bytes")
    fixed, flags = repairer.repair(broken)
    assert fixed == text
    assert flags


@pytest.mark.slow
def test_genuine_curly_quote_does_not_block_repair(repairer):
    text = "L’équipe a été très sollicitée après l’annonce du rachat."
    broken = "".join(
        ch if ch == "’" else ch.encode("utf-8").decode("iso8859_16") for ch in text
    )
    assert broken != text
    fixed, _ = repairer.repair(broken)
    assert fixed == text


@pytest.mark.slow
@pytest.mark.parametrize("text", FRENCH + [
    "Łukasz Żuk a rencontré Čapek à Brno.",
    "Der Bürgermeister sagte: „Das ist großartig“.",
    "Ångström et Øresund sont des noms propres.",
    "Prix : 5 € — soit 10 % de moins.",
])
def test_clean_text_is_left_alone(repairer, text):
    fixed, flags = repairer.repair(text)
    assert fixed == text
    assert not flags


@pytest.mark.slow
def test_single_stray_character_mended_in_repaired_line(repairer):
    # a mojibake line where one character was mangled beyond the code page: the word is
    # mended only because exactly one letter of the alphabet makes it a word
    line = "Le préfet était à la manœuvre pendant toute la réunion décisive."
    broken = line.encode("utf-8").decode("iso8859_16").replace("Ĺ\x93", "Ɠ")
    fixed, _ = repairer.repair(broken)
    assert "manœuvre" in fixed and "préfet" in fixed


def test_decode_bytes_errors():
    with pytest.raises(InputError, match="empty"):
        decode_bytes(b"   \n", "f.txt")
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x00\x01\x02abc", "f.bin")
    with pytest.raises(InputError, match="undecodable"):
        decode_bytes(b"abc \x81\x8d\x8f\x90\x9d", "f.txt")
    text, flags = decode_bytes("déjà vu".encode("cp1252"), "f.txt")
    assert text == "déjà vu" and flags


@pytest.mark.slow
@pytest.mark.shared
def test_ftfy_negative_cases_stay_unchanged(repairer):
    from conftest import shared_path

    cases = json.loads(shared_path("benchmarks", "ftfy_cases", "negative.json").read_text("utf-8"))
    changed = []
    for case in cases:
        if case.get("expect") != "pass":
            continue
        fixed, _ = repairer.repair(case["original"])
        expected = {case["original"], case.get("fixed-encoding", case["fixed"]), case["fixed"]}
        if fixed not in expected:
            changed.append(case["label"])
    assert not changed
