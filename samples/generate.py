"""Deterministic generator of the sample incoming mail of a commune (mairie).

Usage::

    python -m samples.generate --count 40 --seed 1 samples
    python -m samples.generate --count 100 --seed 7 --validation build/validation
    python -m samples.generate --count 100 --seed 7 --crosscheck build/crosscheck
    python -m samples.generate --count 100 --seed 7 --heldout build/heldout

Four phrase banks: ``main`` (train on it), ``validation`` (tune rules on it),
``crosscheck`` (check that what was tuned holds on unseen wording) and ``heldout``
(measure once, never tune on it).

Writes ``OUT/mail/NNNN-<name>.<ext>`` and ``OUT/labels.jsonl``.  The same arguments always
produce byte-identical files.  See ``samples/README.md`` for the label conventions.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

from samples import corpus_banks, corpus_crosscheck, corpus_heldout, corpus_validation
from samples.corpus_common import DOC_TYPE_SERVICE, LABEL_KEYS, Letter
from samples.corpus_content import build_letter
from samples.corpus_email import build_email
from samples.corpus_render import render_letter
from samples.corpus_scan import (
    degrade,
    pick_turn,
    rasterise,
    save_image_pdf,
    save_jpeg,
    save_png,
    save_tiff,
)

# One block of 20 items: 7 born-digital PDFs (35 %), 7 scans (35 %), 6 e-mails (30 %).
KIND_BLOCK = (["pdf"] * 7 + ["png", "png", "jpeg", "jpeg", "tiff", "pdf-scan", "pdf-scan"]
              + ["eml", "eml", "eml", "eml-html", "eml-pdf-attachment", "eml-pdf-attachment"])
KIND_FORMAT = {"pdf": "pdf", "png": "scan", "jpeg": "scan", "tiff": "scan", "pdf-scan": "scan",
               "eml": "email", "eml-html": "email", "eml-pdf-attachment": "email"}
KIND_FILE = {"pdf": ("courrier", "pdf"), "png": ("numerisation", "png"),
             "jpeg": ("numerisation", "jpg"), "tiff": ("numerisation", "tif"),
             "pdf-scan": ("numerisation", "pdf"), "eml": ("message", "eml"),
             "eml-html": ("message", "eml"), "eml-pdf-attachment": ("message", "eml")}
# Roughly one item in twenty is a letter nobody can route without reading it.
TRIAGE_SLOT = 11
OWN_FILE = re.compile(r"^\d{4}-(courrier|numerisation|message)\.(pdf|png|jpg|tif|eml)$")
# Phrase banks by name: train on "main", tune on "validation", check on "crosscheck", measure
# once on "heldout".
BANKS: dict[str, ModuleType] = {
    "main": corpus_banks,
    "validation": corpus_validation,
    "crosscheck": corpus_crosscheck,
    "heldout": corpus_heldout,
}


def _plan(rng: random.Random, count: int, bank: ModuleType) -> list[tuple[str, str]]:
    """Choose (spec key, kind) for every item, covering all doc types and kinds early."""
    real = [k for k in bank.DOCS if not k.startswith("autre")]
    triage = [k for k in bank.DOCS if k.startswith("autre")]
    specs: list[str] = []
    pool: list[str] = []
    for i in range(count):
        if i % 20 == TRIAGE_SLOT:
            specs.append(rng.choice(triage))
            continue
        if not pool:
            pool = real[:]
            rng.shuffle(pool)
        specs.append(pool.pop())
    kinds: list[str] = []
    while len(kinds) < count:
        block = KIND_BLOCK[:]
        rng.shuffle(block)
        kinds += block
    kinds = kinds[:count]
    # Guarantee that a born-digital invoice or quote (with its table) is present.
    money = [i for i, s in enumerate(specs) if s == "facture"]
    money += [i for i, s in enumerate(specs) if s == "devis"]
    if money and kinds[money[0]] != "pdf" and "pdf" in kinds:
        j = kinds.index("pdf")
        kinds[money[0]], kinds[j] = kinds[j], kinds[money[0]]
    return list(zip(specs, kinds, strict=True))


def _render(letter: Letter, single_page: bool) -> tuple[bytes, int]:
    pdf, pages = render_letter(letter)
    # PNG/JPEG files hold one page: shorten the letter rather than drop pages silently.
    while single_page and pages > 1 and len(letter.paragraphs) > 1:
        letter.paragraphs.pop()
        pdf, pages = render_letter(letter)
    return pdf, pages


def _make_item(index: int, spec_key: str, kind: str, rng: random.Random,
               bank: ModuleType) -> tuple[str, bytes, dict[str, object]]:
    """Produce one item: file name, file bytes and its label."""
    long = {"tiff": True, "png": False, "jpeg": False}.get(kind)
    letter = build_letter(rng, bank, spec_key, long=long)
    pdf, pages = _render(letter, single_page=kind in ("png", "jpeg"))
    stem, ext = KIND_FILE[kind]
    name = f"{index:04d}-{stem}.{ext}"
    label: dict[str, object] = {
        "file": f"mail/{name}",
        "format": KIND_FORMAT[kind],
        "kind": kind,
        "service": DOC_TYPE_SERVICE[letter.doc_type],
        "doc_type": letter.doc_type,
        "sender": letter.sender,
        "sender_email": letter.sender_email,
        "date": letter.date.isoformat(),
        "subject": letter.subject,
        "references": list(letter.references),
        "siret": letter.siret,
        "amount_ttc": letter.amount_ttc,
        "pages": pages,
    }
    if kind == "pdf":
        return name, pdf, label
    if KIND_FORMAT[kind] == "scan":
        np_rng = np.random.default_rng(rng.getrandbits(64))
        images = [degrade(page, np_rng, pick_turn(np_rng)) for page in rasterise(pdf)]
        quality = rng.randint(60, 75)
        writers: dict[str, Callable[[], bytes]] = {
            "png": lambda: save_png(images[0]),
            "jpeg": lambda: save_jpeg(images[0], quality),
            "tiff": lambda: save_tiff(images),
            "pdf-scan": lambda: save_image_pdf(images, quality),
        }
        return name, writers[kind](), label
    attachment = pdf if kind == "eml-pdf-attachment" else None
    data, fields = build_email(letter, kind, rng, bank, attachment)
    label.update(fields)
    if kind != "eml-pdf-attachment":
        label["pages"] = 1
    return name, data, label


def generate(out_dir: Path, count: int, seed: int, bank: str = "main") -> list[dict]:
    """Write ``count`` documents under ``out_dir/mail/`` plus ``out_dir/labels.jsonl``.

    ``bank`` names the phrase banks and layouts: ``"main"`` (the default, to train on),
    ``"validation"`` (to tune rules on), ``"crosscheck"`` (to check that what was tuned
    holds on unseen wording) or ``"heldout"`` (to measure once, never to tune on).
    Returns the label dicts in file order.  Earlier generator output in ``out_dir/mail`` is
    removed so that the directory always matches the labels.
    """
    return _generate(Path(out_dir), count, seed, bank, progress=None)


def _generate(out_dir: Path, count: int, seed: int, bank_name: str,
              progress: Callable[[int, dict], None] | None) -> list[dict]:
    bank = BANKS[bank_name]
    # String seeds are hashed by random.Random deterministically (no PYTHONHASHSEED effect).
    rng = random.Random(f"courrier-samples/{bank.NAME}/{seed}")
    mail_dir = out_dir / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    for old in mail_dir.iterdir():
        if OWN_FILE.match(old.name):
            old.unlink()
    labels: list[dict] = []
    for index, (spec_key, kind) in enumerate(_plan(rng, count, bank), start=1):
        item_rng = random.Random(rng.getrandbits(64))
        name, data, label = _make_item(index, spec_key, kind, item_rng, bank)
        (mail_dir / name).write_bytes(data)
        labels.append({key: label[key] for key in LABEL_KEYS})
        if progress:
            progress(index, label)
    with (out_dir / "labels.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for label in labels:
            fh.write(json.dumps(label, ensure_ascii=False) + "\n")
    return labels


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m samples.generate --count N --seed S OUT``."""
    parser = argparse.ArgumentParser(prog="python -m samples.generate",
                                     description="Generate sample incoming mail of a mairie.")
    parser.add_argument("out", type=Path, help="output directory (mail/ and labels.jsonl)")
    parser.add_argument("--count", type=int, default=40, help="number of documents (default 40)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--validation", action="store_const", dest="bank", const="validation",
                       default="main", help="use the validation banks/layouts (to tune on)")
    which.add_argument("--crosscheck", action="store_const", dest="bank", const="crosscheck",
                       help="use the cross-check banks/layouts (to check what was tuned)")
    which.add_argument("--heldout", action="store_const", dest="bank", const="heldout",
                       help="use the held-out banks/layouts (to measure, never to tune on)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")

    def report(index: int, label: dict) -> None:
        if index % 10 == 0 or index == args.count:
            print(f"[{index}/{args.count}] {label['file']} ({label['kind']}, {label['doc_type']})",
                  flush=True)

    labels = _generate(args.out, args.count, args.seed, args.bank, progress=report)
    size = sum((args.out / label["file"]).stat().st_size for label in labels)
    print(f"wrote {len(labels)} documents to {args.out / 'mail'} ({size / 1e6:.1f} MB) "
          f"and {args.out / 'labels.jsonl'}")
    for title, key in (("formats", "format"), ("kinds", "kind"), ("services", "service")):
        counts = Counter(str(label[key]) for label in labels)
        print(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
