"""Tests of the sample-mail corpus generator (samples/generate.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import re
import unicodedata
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from samples.corpus_common import DOC_TYPE_SERVICE, FORMAT_KINDS, LABEL_KEYS, SERVICES, luhn_ok
from samples.generate import generate

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
    labels = generate(tmp_path, count=4, seed=3, heldout=True)
    main = generate(tmp_path / "main", count=4, seed=3)
    assert {label["sender"] for label in labels}.isdisjoint({label["sender"] for label in main})
    assert (tmp_path / "labels.jsonl").read_text(encoding="utf-8").count("\n") == 4


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
