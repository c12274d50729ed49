"""Straightening of skewed scans: the skew is found, and a skewed page reads again."""

from __future__ import annotations

import pytest
from PIL import Image

from pipeline.extraction import ExtractionLimits
from pipeline.extraction_image import ocr_image
from pipeline.page_geometry import deskew, estimate_skew, estimate_turn, straighten
from tests.conftest import SAMPLES
from tests.test_text_extraction import assert_ocr_words, letter_scan


@pytest.fixture(scope="module")
def level_page() -> Image.Image:
    return letter_scan()


@pytest.mark.parametrize("angle", [-3.0, -1.2, 0.0, 0.8, 2.5])
def test_the_skew_of_a_page_is_found(level_page: Image.Image, angle: float) -> None:
    skewed = level_page.rotate(angle, resample=Image.BILINEAR, fillcolor=255, expand=True)
    assert estimate_skew(skewed) == pytest.approx(-angle, abs=0.25)


def test_a_level_page_is_left_alone(level_page: Image.Image) -> None:
    assert deskew(level_page) is level_page
    blank = Image.new("L", (1240, 1754), 255)
    assert deskew(blank) is blank


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [-1.5, 0.0, 2.0])
def test_the_turn_that_puts_a_page_upright_is_found(level_page: Image.Image, turn: int,
                                                    skew: float) -> None:
    scanned = level_page.rotate(skew, resample=Image.BILINEAR, fillcolor=255)
    scanned = scanned.rotate(turn, expand=True)
    assert estimate_turn(scanned) == (360 - turn) % 360
    upright, applied = straighten(scanned)
    assert applied == (360 - turn) % 360
    assert upright.width < upright.height
    assert estimate_skew(upright) == pytest.approx(0.0, abs=0.25)


def test_a_page_without_lines_of_text_is_not_turned() -> None:
    blank = Image.new("L", (1240, 1754), 255)
    assert estimate_turn(blank) is None
    drawing = blank.copy()
    drawing.paste(0, (300, 300, 900, 1400))  # one big dark rectangle: no lines, no margins
    assert estimate_turn(drawing) is None


@pytest.mark.slow
def test_a_skewed_sample_scan_reads_whole_once_straightened() -> None:
    # this sample lost four of its six paragraphs to tesseract's layout analysis while skewed
    page = Image.open(SAMPLES / "mail" / "0003-numerisation.jpg")
    text = ocr_image(page, ExtractionLimits(), "page 1", dpi=300).text
    for words in ("plan cadastral", "taxe foncière", "démarche à suivre"):
        assert words in text


@pytest.mark.slow
def test_a_skewed_letter_is_read(level_page: Image.Image) -> None:
    skewed = level_page.rotate(2.0, resample=Image.BILINEAR, fillcolor=255)
    assert_ocr_words(ocr_image(skewed, ExtractionLimits(), "page 1", dpi=200).text)


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_page_scanned_sideways_or_upside_down_is_read_upright(
        level_page: Image.Image, turn: int) -> None:
    reading = ocr_image(level_page.rotate(turn, expand=True), ExtractionLimits(), "page 1",
                        dpi=200)
    assert_ocr_words(reading.text)
    assert reading.confidence > 80
