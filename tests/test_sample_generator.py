"""Tests of the sample-mail corpus generator (samples/generate.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import random
import re
import string
import unicodedata
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from samples import corpus_banks, corpus_crosscheck, corpus_validation
from samples.corpus_common import DOC_TYPE_SERVICE, FORMAT_KINDS, LABEL_KEYS, SERVICES, luhn_ok
from samples.corpus_content import build_letter
from samples.generate import generate, main

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """One full block of 20 items, which contains every kind of file."""
    out = tmp_path_factory.mktemp("corpus")
    return out, generate(out, count=20, seed=5)


def _tree(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", count=6, seed=3)
    second = generate(tmp_path / "b", count=6, seed=3)
    assert first == second
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    other = generate(tmp_path / "c", count=6, seed=4)
    assert other != first


def test_heldout_uses_other_banks(tmp_path: Path) -> None:
    labels = generate(tmp_path, count=4, seed=3, bank="heldout")
    main = generate(tmp_path / "main", count=4, seed=3)
    assert {label["sender"] for label in labels}.isdisjoint({label["sender"] for label in main})
    assert (tmp_path / "labels.jsonl").read_text(encoding="utf-8").count("\n") == 4


@pytest.mark.parametrize("bank", ["validation", "crosscheck"])
def test_tuning_banks_are_deterministic(tmp_path: Path, bank: str) -> None:
    first = generate(tmp_path / "a", count=6, seed=3, bank=bank)
    second = generate(tmp_path / "b", count=6, seed=3, bank=bank)
    assert first == second
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    for label in first:
        _check_label(label, tmp_path / "a")
    main_labels = generate(tmp_path / "main", count=6, seed=3)
    assert first != main_labels
    assert {label["sender"] for label in first}.isdisjoint(
        {label["sender"] for label in main_labels})


@pytest.mark.parametrize("bank", ["validation", "crosscheck"])
def test_bank_flags_of_the_command_line(tmp_path: Path, bank: str) -> None:
    assert main(["--count", "2", "--seed", "3", f"--{bank}", str(tmp_path / "a")]) == 0
    labels = (tmp_path / "a" / "labels.jsonl").read_text(encoding="utf-8")
    assert labels == "".join(json.dumps(label, ensure_ascii=False) + "\n" for label in
                             generate(tmp_path / "c", count=2, seed=3, bank=bank))
    with pytest.raises(SystemExit):
        main(["--count", "1", f"--{bank}", "--heldout", str(tmp_path / "e")])


TUNING_BANKS = [corpus_validation, corpus_crosscheck]


@pytest.mark.parametrize("bank", TUNING_BANKS, ids=lambda bank: bank.NAME)
def test_tuning_banks_cover_every_doc_type_with_the_same_service(bank: ModuleType) -> None:
    assert list(bank.DOCS) == list(corpus_banks.DOCS)
    public_bodies = set(bank.PUBLIC)
    for key, spec in bank.DOCS.items():
        main_spec = corpus_banks.DOCS[key]
        doc_type = key.split(":")[0]
        assert doc_type in DOC_TYPE_SERVICE
        assert spec["refs"] == main_spec["refs"], key
        for flag in ("invoice", "amount", "long"):
            assert bool(spec.get(flag)) == bool(main_spec.get(flag)), (key, flag)
        if spec["sender"].startswith("public:"):
            assert spec["sender"].split(":")[1] in public_bodies
        if spec.get("amount"):  # the label gives the sum claimed: every letter states it
            assert all("{amount}" in para for para in spec["paras"][0]), key
        for seed in range(12):
            letter = build_letter(random.Random(f"{key}/{seed}"), bank, key)
            assert letter.doc_type == doc_type
            assert letter.service == DOC_TYPE_SERVICE[doc_type]
            assert letter.paragraphs and letter.closing and letter.salutation
    assert {DOC_TYPE_SERVICE[key.split(":")[0]] for key in bank.DOCS} == set(SERVICES)
    invoicing = [t for t in bank.COMPANIES if t in bank.CATALOGUE]
    assert invoicing
    for _, _, town in bank.NOTAIRES:
        assert town in dict(bank.PLACES)


class _Probe(str):
    """A template that records the context ``build_letter`` formats it with."""

    seen: dict[str, object] = {}

    def format_map(self, mapping):  # type: ignore[override]
        _Probe.seen = dict(mapping)
        return "probe"


def _context_keys() -> set[str]:
    spec = dict(corpus_validation.DOCS["demande-acte-etat-civil"], subjects=[_Probe("x")])
    bank = SimpleNamespace(**{name: getattr(corpus_validation, name)
                              for name in dir(corpus_validation) if name.isupper()})
    bank.DOCS = {"demande-acte-etat-civil": spec}
    build_letter(random.Random(1), bank, "demande-acte-etat-civil")  # type: ignore[arg-type]
    assert _Probe.seen
    return set(_Probe.seen)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("bank", TUNING_BANKS, ids=lambda bank: bank.NAME)
def test_tuning_templates_use_only_filled_placeholders(bank: ModuleType) -> None:
    allowed = _context_keys()
    templates = [*bank.CLOSINGS, *bank.PRO_CLOSINGS, *bank.SALUTATIONS, *bank.ANNEX_LINES]
    for spec in bank.DOCS.values():
        templates += [s for s in spec["subjects"] if s]
        templates += [p for group in spec["paras"] for p in group]
        if spec.get("attachment"):
            templates.append(spec["attachment"])
    for template in templates:
        assert _fields(template) <= allowed, template
    for line in bank.DISTRACTORS:  # inserted verbatim, never formatted
        assert "{" not in line and "}" not in line
    assert all(_fields(t) == {"what"} for t in bank.EMAIL_ATTACH_INTROS)
    assert all(_fields(t) == {"name"} for t in bank.ATTACH_WHAT)


def _bank_texts(bank) -> tuple[list[str], list[str]]:
    """(subject templates, paragraph-like sentences) of a phrase bank, normalised."""
    subjects = [_norm(s).lower() for spec in bank.DOCS.values() for s in spec["subjects"] if s]
    texts = [p for spec in bank.DOCS.values() for group in spec["paras"] for p in group]
    texts += [*bank.DISTRACTORS, *bank.CLOSINGS, *bank.PRO_CLOSINGS, *bank.ANNEX_LINES]
    return subjects, [_norm(t).lower() for t in texts]


@pytest.mark.parametrize("bank, reference", [
    (corpus_validation, corpus_banks), (corpus_crosscheck, corpus_banks),
    (corpus_crosscheck, corpus_validation)], ids=["validation-main", "crosscheck-main",
                                                  "crosscheck-validation"])
def test_tuning_wording_differs_from_the_banks_before_it(bank: ModuleType,
                                                         reference: ModuleType) -> None:
    ref_subjects, ref_texts = _bank_texts(reference)
    subjects, texts = _bank_texts(bank)
    assert set(subjects).isdisjoint(ref_subjects)
    ref_blob = "\n".join(ref_texts)
    for text in texts:
        for sentence in re.split(r"(?<=[.!?;:])\s+", text):
            if len(sentence.split()) >= 5:
                assert sentence not in ref_blob, sentence
    for key, spec in bank.DOCS.items():
        main_spec = corpus_banks.DOCS[key]
        assert len(spec["subjects"]) >= len(main_spec["subjects"]), key
        assert len(spec["paras"]) >= len(main_spec["paras"]) - 1, key
        for group, main_group in zip(spec["paras"], main_spec["paras"], strict=False):
            assert len(group) >= len(main_group), key
    for name in ("PLACES", "LAST", "FIRST_F", "FIRST_M", "STREETS", "ASSOCIATIONS", "NOTAIRES",
                 "ELUS", "SCHOOLS", "PROJECTS", "EVENTS", "JOBS", "CHILD_NAMES", "LAYOUTS"):
        mine, ref = getattr(bank, name), getattr(reference, name)
        assert not [item for item in mine if item in ref], name
    firms = {n for firms in bank.COMPANIES.values() for _, n in firms}
    assert firms.isdisjoint(n for firms in reference.COMPANIES.values() for _, n in firms)
    assert bank.MAIRIE["commune"] != reference.MAIRIE["commune"]


def _check_label(label: dict, root: Path) -> None:
    assert tuple(label) == LABEL_KEYS
    assert (root / label["file"]).is_file()
    assert label["kind"] in FORMAT_KINDS[label["format"]]
    assert label["doc_type"] in SERVICES[label["service"]]
    assert DOC_TYPE_SERVICE[label["doc_type"]] == label["service"]
    assert label["sender"]
    assert label["sender_email"] is None or "@" in label["sender_email"]
    day = dt.date.fromisoformat(label["date"])
    assert dt.date(2025, 1, 1) <= day <= dt.date(2026, 12, 31)
    assert label["subject"] is None or label["subject"].strip()
    assert isinstance(label["references"], list)
    assert all(isinstance(ref, str) and ref for ref in label["references"])
    if label["siret"] is not None:
        assert re.fullmatch(r"\d{14}", label["siret"]) and luhn_ok(label["siret"])
    assert label["amount_ttc"] is None or label["amount_ttc"] > 0
    assert isinstance(label["pages"], int) and label["pages"] >= 1
    if label["kind"] == "tiff":
        assert label["pages"] >= 2


def test_labels_are_complete_and_valid(corpus: tuple[Path, list[dict]]) -> None:
    root, labels = corpus
    assert len(labels) == 20
    lines = (root / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == labels
    for label in labels:
        _check_label(label, root)
    assert {label["kind"] for label in labels} == {k for ks in FORMAT_KINDS.values() for k in ks}


def test_emails_parse_strictly(corpus: tuple[Path, list[dict]]) -> None:
    root, labels = corpus
    for label in labels:
        if label["format"] != "email":
            continue
        msg = email.message_from_bytes((root / label["file"]).read_bytes(),
                                       policy=email.policy.strict)
        for part in msg.walk():
            assert not part.defects, (label["file"], part.defects)
        assert msg["Message-ID"] and msg["Date"] and msg["From"]
        if label["kind"] == "eml-pdf-attachment":
            attachments = list(msg.iter_attachments())
            assert attachments and attachments[0].get_content_type() == "application/pdf"
            assert attachments[0].get_content().startswith(b"%PDF")
        body = msg.get_body(preferencelist=("plain", "html"))
        assert body is not None
        if label["kind"] == "eml-html":
            assert body.get_content_type() == "text/html"


def test_image_only_pdfs_have_no_text(corpus: tuple[Path, list[dict]]) -> None:
    root, labels = corpus
    scans = [label for label in labels if label["kind"] == "pdf-scan"]
    assert scans
    for label in scans:
        path = root / label["file"]
        doc = pdfium.PdfDocument(str(path))
        assert len(doc) == label["pages"]
        assert all(page.get_textpage().get_text_range().strip() == "" for page in doc)
        doc.close()
        with pdfplumber.open(path) as pdf:
            assert all(not (page.extract_text() or "").strip() for page in pdf.pages)


def test_born_digital_pdfs_contain_their_subject(corpus: tuple[Path, list[dict]]) -> None:
    root, labels = corpus
    pdfs = [label for label in labels if label["kind"] == "pdf"]
    assert pdfs
    for label in pdfs:
        with pdfplumber.open(root / label["file"]) as pdf:
            assert len(pdf.pages) == label["pages"]
            text = _norm(" ".join(page.extract_text() or "" for page in pdf.pages))
        if label["subject"]:
            assert _norm(label["subject"]) in text
        for ref in label["references"]:
            assert _norm(ref) in text


def test_raster_files_match_page_counts(corpus: tuple[Path, list[dict]]) -> None:
    root, labels = corpus
    for label in labels:
        if label["kind"] in ("png", "jpeg", "tiff"):
            with Image.open(root / label["file"]) as img:
                assert getattr(img, "n_frames", 1) == label["pages"]
                assert img.mode in ("L", "1")
                assert (root / label["file"]).stat().st_size < 400_000 * label["pages"]


def test_committed_samples_are_consistent() -> None:
    labels_path = SAMPLES_DIR / "labels.jsonl"
    if not labels_path.exists():
        pytest.skip("committed samples not generated yet")
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines()]
    assert len(labels) == 40
    for label in labels:
        _check_label(label, SAMPLES_DIR)
    assert {label["service"] for label in labels} == set(SERVICES)


@pytest.mark.slow
def test_ocr_finds_letter_words(corpus: tuple[Path, list[dict]],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    root, labels = corpus
    label = next(label for label in labels if label["kind"] in ("png", "jpeg"))
    # The recipient block always names the mairie; the sender's name is on every letter.
    wanted = {"mairie"} | {w.lower() for w in re.findall(r"\w{4,}", label["sender"])}
    with Image.open(root / label["file"]) as img:
        page = img.convert("L")
    found: set[str] = set()
    # About one scan in ten is fed sideways or upside down: try the four orientations.
    for turn in (0, 180, 90, 270):
        text = pytesseract.image_to_string(page.rotate(turn, expand=True), lang="fra").lower()
        found = {w for w in wanted if w in text}
        if "mairie" in found and len(found) >= 2:
            break
    assert "mairie" in found and len(found) >= 2, (label["file"], wanted, found)
    assert os.environ["OMP_THREAD_LIMIT"] == "1"
