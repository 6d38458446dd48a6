"""Pathological pages against ordinary text of the same size: no step may cost more than
linear time in a document's length.

Builds pages of about SIZE bytes (default 1 MB):
  * ordinary   — French prose (sentences of ../shared/seeds, or of examples/ without it,
                 recombined at random so that no paragraph repeats; nothing is written to disk
                 outside a temporary folder),
  * nopunct    — the same prose with every punctuation mark and line break removed but for
                 a full stop every 20 kB (each line one "sentence" as far as punctuation goes),
  * dates      — thousands of dates ("le 12 mars 2021", "lundi 3", "il y a deux ans"...)
                 in a text with no full stop,
  * names      — thousands of distinct person and organisation names in long comma lists,
  * weekdays   — "lundi mardi mercredi ..." repeated over the whole page,
then ingests each page alone (one worker, this process, a fresh SQLite store each) and prints
its time and the ratio to the ordinary page (target: every ratio <= 2).

    python bench/pathological.py [--size BYTES] [--only CASE ...] [--profile N [--sort tottime]]

Bodies longer than ``Settings.max_article_chars`` are cut before parsing (flagged), as in any
ingest; the reading, cleaning and time tagging see the whole page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST = ("Jean", "Marie", "Pierre", "Sophie", "Luc", "Claire", "Paul", "Julie", "Marc", "Anne", "Louis",
         "Camille", "Nicolas", "Isabelle", "Thomas", "Élise", "Hugo", "Léa", "Antoine", "Chloé")
LAST = ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia",
        "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller")
ORG = ("Banque", "Groupe", "Société", "Compagnie", "Fondation", "Institut", "Agence", "Conseil")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def prose_sentences() -> list[str]:
    from _common import SHARED

    folder = SHARED / "seeds"
    files = sorted(folder.glob("0*.txt")) if folder.is_dir() else sorted((ROOT / "examples").glob("*.txt"))
    sents: list[str] = []
    for f in files:
        for para in f.read_text("utf-8").split("\n"):
            sents += [s.strip() for s in re.split(r"(?<=[.!?])\s+", para) if len(s.split()) >= 6 and s.strip()[-1:] in ".!?"]
    return sents


def page_ordinary(size: int, rng: random.Random) -> str:
    sents = prose_sentences()
    out: list[str] = ["Une page ordinaire pour le banc d'essai\n\nLe 12 mars 2024\n"]
    n = len(out[0])
    i = 0
    while n < size:
        para = " ".join(rng.sample(sents, k=min(len(sents), rng.randint(3, 6))))
        # each paragraph gets its own numbers, so that none repeats another
        para = re.sub(r"\b\d{1,3}\b", lambda _m: str(rng.randint(2, 999)), para)
        para += f" Paragraphe {i} numéro {rng.randint(0, 10**9)}."
        out.append(para)
        n += len(para.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(out) + "\n"


def page_nopunct(size: int, rng: random.Random) -> str:
    """The ordinary page without punctuation or line breaks, but for a full stop every 20 kB
    (a page with none at all is no article for the cleaner: refused at once)."""
    text = page_ordinary(size, rng)
    text = re.sub(r"\s+", " ", re.sub(r"[^\w\s'’-]", " ", text)).strip()
    lines = [text[i:i + 20_000].strip() + "." for i in range(0, len(text), 20_000)]
    return "Une page sans ponctuation\n\n" + "\n".join(lines) + "\n"


def fill(size: int, head: str, piece) -> str:  # type: ignore[no-untyped-def]
    out = [head]
    n = len(head.encode("utf-8"))
    i = 0
    while n < size:
        p = piece(i)
        out.append(p)
        n += len(p.encode("utf-8")) + 1
        i += 1
    return " ".join(out) + "\n"


def page_dates(size: int, rng: random.Random) -> str:
    def piece(i: int) -> str:
        k = i % 6
        d, m, y = rng.randint(1, 28), rng.choice(MONTHS), rng.randint(1990, 2030)
        if k == 0:
            return f"le {d} {m} {y}"
        if k == 1:
            return f"puis {rng.choice(WEEKDAYS)} {d} {m}"
        if k == 2:
            return f"et {rng.choice(WEEKDAYS)} {d}"
        if k == 3:
            return f"il y a {rng.randint(2, 40)} ans et en {m} {y}"
        if k == 4:
            return f"du {d}/{rng.randint(1, 12)}/{y} au {d} {m} prochain"
        return f"depuis {y} il quittera son poste le {d} {m}"
    return fill(size, "Calendrier du banc d'essai\n\nPublié le 12 mars 2024\n\n", piece)


def page_names(size: int, rng: random.Random) -> str:
    def piece(i: int) -> str:
        a, b = rng.choice(FIRST), rng.choice(LAST)
        if i % 5 == 4:
            return f"le directeur de {rng.choice(ORG)} {b}{i} a nommé {a} {b}{i} président,"
        return f"{a} {b}{i},"
    return fill(size, "Annuaire du banc d'essai\n\nLe 12 mars 2024\n\n", piece)


def page_weekdays(size: int, rng: random.Random) -> str:
    return fill(size, "Semaine du banc d'essai\n\nLe 12 mars 2024\n\n", lambda i: WEEKDAYS[i % 7])


CASES = {"ordinary": page_ordinary, "nopunct": page_nopunct, "dates": page_dates, "names": page_names,
         "weekdays": page_weekdays}


def ingest_one(components, text: str, tmp: Path, name: str, profile: int, sort: str = "cumulative") -> tuple[float, dict]:  # type: ignore[no-untyped-def]
    from filrouge.config import Settings
    from filrouge.pipeline import IngestRun
    from filrouge.store.repository import Store

    folder = tmp / name
    folder.mkdir()
    (folder / f"{name}.txt").write_text(text, "utf-8")
    settings = Settings(db_url=f"sqlite:///{tmp / (name + '.db')}")
    store = Store(settings.db_url)
    run = IngestRun(settings, store, components)
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    report = run.run([folder])
    if prof:
        prof.disable()
    dt = time.perf_counter() - t0
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats(sort).print_stats(profile)
        print(s.getvalue())
    facts = sum(1 for _ in store.facts()) if hasattr(store, "facts") else -1
    return dt, {"stored": report.stored, "problems": len(report.problems), "words": report.words, "facts": facts,
                "why": "; ".join(str(p) for p in report.problems)[:200]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1_000_000, help="bytes per page (default 1 MB)")
    ap.add_argument("--only", nargs="+", choices=sorted(CASES), help="cases to run (ordinary always runs)")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N top functions of each case")
    ap.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"), help="profile order")
    args = ap.parse_args()
    from filrouge.config import Settings
    from filrouge.pipeline import Components

    components = Components(Settings())
    names = ["ordinary", *[c for c in CASES if c != "ordinary" and (not args.only or c in args.only)]]
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="filrouge-patho-") as tmp:
        for name in names:
            text = CASES[name](args.size, random.Random(11))
            dt, info = ingest_one(components, text, Path(tmp), name, args.profile, args.sort)
            times[name] = dt
            ratio = dt / times["ordinary"]
            print(f"{name:<9} {len(text.encode('utf-8')) / 1e6:5.2f} MB  {info['words']:7d} words  "
                  f"{dt:7.1f} s  ratio {ratio:5.2f}  {'ok' if ratio <= 2 else 'OVER 2x'}  "
                  f"(stored {info['stored']}, problems {info['problems']}" + (': ' + info['why'] if info['why'] else '') + ')', flush=True)
    worst = max(times[n] / times["ordinary"] for n in names)
    print(f"worst ratio to ordinary text: {worst:.2f}  (target <= 2)")


if __name__ == "__main__":
    main()
