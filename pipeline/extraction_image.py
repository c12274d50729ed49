"""Raster side of text extraction: loading scans safely and running tesseract on them.

Used by `pipeline.extraction` for PNG/JPEG/TIFF files and by `pipeline.extraction_pdf` for
image-only PDF pages. Everything here is synchronous and thread-free: the caller already runs
each extraction in a child process with its own timeout and memory cap.

Tesseract itself runs through `pipeline.ocr_engine` (in-process when tesserocr is
installed, else the command).
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import CorruptDocument, LimitExceeded, MissingDependency
from pipeline.ocr_engine import INSTALL_HINT, installation, ocr_words
from pipeline.page_geometry import deskew, straighten

if TYPE_CHECKING:
    from pipeline.extraction import ExtractionLimits

# Pillow names of the formats `detect_kind` may hand us; anything else Pillow would happily
# decode (GIF, BMP, WebP...) was already refused before we get here.
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}
# What Pillow raises on damaged files, depending on the format and where the damage is.
_DECODE_ERRORS = (OSError, EOFError, SyntaxError, ValueError, IndexError, struct.error)


class PageBudgetExceeded(LimitExceeded):
    """The document (an email with its attachments included) has more pages than allowed.

    A distinct subclass so that the email code can tell "this whole message is too big"
    (propagate) from "this one attachment is a pixel bomb" (skip the attachment).
    """


class PageBudget:
    """Counts pages against `max_pages`, shared by an email and all its attachments."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.used = 0

    @property
    def remaining(self) -> int:
        """Pages that may still be taken."""
        return self.max_pages - self.used

    def take(self, count: int, what: str) -> None:
        """Reserve `count` pages for `what`, or raise PageBudgetExceeded."""
        if self.used + count > self.max_pages:
            if self.used:
                reason = (
                    f"{what} has {count} page(s), which brings the document past the limit "
                    f"of {self.max_pages} pages"
                )
            else:
                reason = f"{what} has {count} pages; the limit is {self.max_pages}"
            raise PageBudgetExceeded(reason)
        self.used += count


@dataclass
class PageTexts:
    """Texts of consecutive pages plus the OCR statistics needed to merge several documents.

    Confidences are kept as sums rather than a mean so that an email with several OCRed
    attachments gets one mean weighted by the amount of text, not a mean of means.
    """

    texts: list[str] = field(default_factory=list)
    ocr_pages: int = 0
    text_pages: int = 0
    conf_sum: float = 0.0
    conf_weight: int = 0

    def add_text_page(self, text: str) -> None:
        """Append a page whose text came from a text layer, a body or a text file."""
        self.texts.append(text)
        self.text_pages += 1

    def add_ocr_page(self, result: OcrResult) -> None:
        """Append an OCRed page and its confidence statistics."""
        self.texts.append(result.text)
        self.ocr_pages += 1
        self.conf_sum += result.conf_sum
        self.conf_weight += result.conf_weight

    def extend(self, other: PageTexts) -> None:
        """Append all pages of `other` (an attachment) after ours."""
        self.texts.extend(other.texts)
        self.ocr_pages += other.ocr_pages
        self.text_pages += other.text_pages
        self.conf_sum += other.conf_sum
        self.conf_weight += other.conf_weight

    @property
    def confidence(self) -> float | None:
        """Mean word confidence (0..100) weighted by word length, None if nothing was OCRed."""
        if not self.ocr_pages:
            return None
        if not self.conf_weight:
            # OCR ran but recognised no word at all (blank or unreadable page).
            return 0.0
        return round(self.conf_sum / self.conf_weight, 2)


@dataclass(frozen=True)
class OcrResult:
    """Text of one OCRed page; `conf_sum / conf_weight` is its length-weighted confidence."""

    text: str
    conf_sum: float
    conf_weight: int

    @property
    def confidence(self) -> float:
        return self.conf_sum / self.conf_weight if self.conf_weight else 0.0


def check_ocr_available(language: str = "fra") -> None:
    """Raise MissingDependency with an install hint if tesseract or `language` is missing.

    `language` may combine models the tesseract way ("fra+eng"); each must be installed.
    A successful check is cached for the life of the process (failures are not, so
    installing the package fixes a running worker).
    """
    installed = installation().languages
    missing = [lang for lang in language.split("+") if lang and lang not in installed]
    if missing:
        installation.cache_clear()
        raise MissingDependency(
            f"tesseract has no data for language(s) {', '.join(missing)}; {INSTALL_HINT}"
        )


def to_ocr_mode(im: Image.Image) -> Image.Image:
    """Convert to 1-bit or 8-bit grey, flattening transparency onto white.

    Grey is a third of the bytes of RGB to write and for tesseract to read, and tesseract
    binarises anyway. 16-bit scans are scaled down rather than clipped (Pillow's plain
    conversion would turn every mid-grey into white).
    """
    if im.mode in ("1", "L"):
        return im
    if im.mode.startswith("I;16") or im.mode == "I":
        pixels = np.asarray(im)
        if pixels.size and int(pixels.max()) > 255:
            pixels = pixels >> 8
        return Image.fromarray(pixels.astype(np.uint8))
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    return im.convert("L")


def check_pixels(width: int, height: int, limits: ExtractionLimits, what: str) -> None:
    """Refuse an image larger than `max_image_pixels` before any pixel is decoded."""
    if width <= 0 or height <= 0:
        raise CorruptDocument(f"{what} has an invalid size ({width}x{height})")
    if width * height > limits.max_image_pixels:
        raise LimitExceeded(
            f"{what} is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {limits.max_image_pixels / 1e6:.0f} megapixels"
        )


def _open_image(content: bytes, kind: str) -> Image.Image:
    """Open (headers only, no pixel decoding) an image file of a known kind."""
    try:
        # Our own explicit pixel check replaces Pillow's global MAX_IMAGE_PIXELS guard: we
        # must not change that global, and its warning would only be noise here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(content), formats=[_PIL_FORMATS[kind]])
    except Image.DecompressionBombError as exc:
        raise LimitExceeded(f"the image is too large to be decoded safely ({exc})") from exc
    except (UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        raise CorruptDocument(f"the {kind.upper()} image cannot be read ({exc})") from exc
    return im


def iter_image_pages(
    content: bytes, kind: str, limits: ExtractionLimits, budget: PageBudget
) -> Iterator[tuple[Image.Image, int | None]]:
    """Yield each page (TIFF frame) of an image file as a decoded image and its DPI if known.

    The page count is charged to `budget` before anything is decoded, and each frame's size
    is checked from its header before its pixels are.
    """
    im = _open_image(content, kind)
    try:
        # Counting TIFF frames walks the chain of page headers, not the pixel data.
        frames = int(getattr(im, "n_frames", 1)) if kind == "tiff" else 1
    except _DECODE_ERRORS as exc:
        raise CorruptDocument(f"the TIFF image is damaged ({exc})") from exc
    budget.take(frames, f"the {kind.upper()} image")
    for index in range(frames):
        what = f"page {index + 1} of the image" if frames > 1 else "the image"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                if frames > 1:
                    im.seek(index)
                check_pixels(im.width, im.height, limits, what)
                if kind == "jpeg":
                    # Decode straight to grey: skips the colour conversion of the JPEG decoder.
                    im.draft("L", im.size)
                im.load()
                page = im.copy()
            if kind == "jpeg":
                # Phone photos store their rotation in EXIF rather than in the pixels.
                page = ImageOps.exif_transpose(page)
        except Image.DecompressionBombError as exc:
            raise LimitExceeded(f"{what} is too large to be decoded safely ({exc})") from exc
        except _DECODE_ERRORS as exc:
            raise CorruptDocument(f"{what} is damaged or truncated ({exc})") from exc
        yield page, _dpi_of(im)


def _dpi_of(im: Image.Image) -> int | None:
    """Resolution recorded in the file, if it is plausible for a scan."""
    dpi = im.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    # Many files carry a meaningless 72 or 96 dpi; letting tesseract estimate is better then.
    return value if value and 100 <= value <= 1200 else None


# a page read at its right orientation scores about 90; a sideways or upside-down page
# read as is scores about 25 (measured on the sample scans)
REREAD_BELOW = 60.0


def ocr_image(
    im: Image.Image, limits: ExtractionLimits, label: str, dpi: int | None = None
) -> OcrResult:
    """OCR one page image with tesseract; `label` ("page 3") names it in error reasons.

    The page is turned upright when its layout says it was scanned sideways or upside down
    (`straighten`), and levelled. When tesseract's confidence still says it read
    garbage, the page is turned the other ways and read again, and the best reading kept:
    a page whose layout did not tell costs extra reads, never a wrong text.
    """
    check_ocr_available(limits.ocr_language)
    page = to_ocr_mode(im)
    upright, first = straighten(page)
    best = _recognise(upright, limits, label, dpi)
    others = (0, 90, 270, 180) if page.width > page.height else (0, 180, 90, 270)
    for turn in (t for t in others if t != first):
        if best.confidence >= REREAD_BELOW:
            break
        reading = _recognise(deskew(page.rotate(turn, expand=True)), limits, label, dpi)
        if reading.confidence > best.confidence:
            best = reading
    return best


def _recognise(page: Image.Image, limits: ExtractionLimits, label: str,
               dpi: int | None) -> OcrResult:
    """One tesseract reading of a prepared page."""
    return words_to_text(ocr_words(page, limits.ocr_language, dpi, limits.ocr_page_timeout,
                                   label))


def words_to_text(data: dict[str, list]) -> OcrResult:
    """Rebuild text from tesseract's word table and compute its confidence statistics.

    Words of a line are joined by spaces, lines by "\\n", and paragraphs/blocks are
    separated by a blank line so that addresses and letter paragraphs stay apart.
    Confidence: words with conf >= 0 (tesseract gives -1 to non-word rows), each weighted
    by its number of characters, so a misread one-letter fragment weighs less than a
    well-read long word.
    """
    lines: list[str] = []
    current: list[str] = []
    current_key: tuple[int, int, int] | None = None
    current_par: tuple[int, int] | None = None
    conf_sum = 0.0
    conf_weight = 0
    for i, word in enumerate(data.get("text", [])):
        word = (word or "").strip()
        if not word:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        if key != current_key:
            if current:
                lines.append(" ".join(current))
            if current_par is not None and key[:2] != current_par:
                lines.append("")
            current, current_key, current_par = [], key, key[:2]
        current.append(word)
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        if conf >= 0:
            conf_sum += conf * len(word)
            conf_weight += len(word)
    if current:
        lines.append(" ".join(current))
    return OcrResult("\n".join(lines), conf_sum, conf_weight)


def extract_image(
    content: bytes, kind: str, limits: ExtractionLimits, budget: PageBudget
) -> PageTexts:
    """OCR every page of a PNG, JPEG or (multi-page) TIFF file."""
    result = PageTexts()
    for number, (page, dpi) in enumerate(iter_image_pages(content, kind, limits, budget), 1):
        result.add_ocr_page(ocr_image(page, limits, f"page {number}", dpi))
    return result
