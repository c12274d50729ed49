"""The two ways of running tesseract read a page alike: in-process through tesserocr, and
the `tesseract` command where tesserocr is missing."""

from __future__ import annotations

import pytest
from PIL import Image

from pipeline import ocr_engine
from pipeline.errors import LimitExceeded
from pipeline.extraction_image import words_to_text
from pipeline.ocr_engine import ocr_words, parse_tsv
from tests.test_text_extraction import SCAN_DPI, assert_ocr_words, letter_scan


@pytest.fixture(scope="module")
def scan() -> Image.Image:
    return letter_scan()


def test_tesseract_tsv_becomes_columns() -> None:
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
           "\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t2481\t3508\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t283\t174\t85\t31\t95.5\tMme\n"
           "5\t1\t1\t1\t1\t2\t381\t177\t129\t32\t96.3\tCamille\n")
    table = parse_tsv(tsv)
    assert table["text"] == ["", "Mme", "Camille"]
    assert table["conf"] == [-1.0, 95.5, 96.3]
    assert table["block_num"] == [0, 1, 1]
    assert words_to_text(table).text == "Mme Camille"


@pytest.mark.slow
def test_in_process_and_command_read_the_same_page(scan: Image.Image,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tesserocr")
    in_process = words_to_text(ocr_words(scan, "fra", SCAN_DPI, 60, "page 1"))
    monkeypatch.setattr(ocr_engine, "_engine", lambda language: None)
    by_command = words_to_text(ocr_words(scan, "fra", SCAN_DPI, 60, "page 1"))
    assert_ocr_words(in_process.text)
    assert_ocr_words(by_command.text)
    assert in_process.text == by_command.text
    assert in_process.confidence == pytest.approx(by_command.confidence, abs=2)


@pytest.mark.slow
def test_a_page_that_takes_too_long_is_a_limit_either_way(
        scan: Image.Image, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LimitExceeded, match="OCR of page 1 took longer than"):
        ocr_words(scan, "fra", SCAN_DPI, 0.001, "page 1")
    monkeypatch.setattr(ocr_engine, "_engine", lambda language: None)
    with pytest.raises(LimitExceeded, match="OCR of page 1 took longer than"):
        ocr_words(scan, "fra", SCAN_DPI, 0.01, "page 1")
