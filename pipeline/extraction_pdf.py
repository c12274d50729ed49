"""PDF side of text extraction: text layer through pypdfium2, OCR for scanned pages.

A page with a real text layer is read directly (about 1 ms). A page with (almost) no text is
a scan: when it is one upright image covering the page, that image is taken out of the PDF
as is (tens of ms); otherwise the page is rendered in memory in grey at `ocr_dpi`. Either
way the picture is OCRed by `pipeline.extraction_image.ocr_image`.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from pipeline.errors import CorruptDocument, EncryptedDocument, LimitExceeded
from pipeline.extraction_image import (
    PageBudget,
    PageTexts,
    check_pixels,
    ocr_image,
)

if TYPE_CHECKING:
    from pipeline.extraction import ExtractionLimits

# Fewer non-space characters than this and the page is treated as a scan: page numbers,
# a scanner's stamp or a stray header do not make a text layer.
MIN_TEXT_CHARS = 20
# The single image must cover this share of the page for the cheap extraction path; a
# smaller picture (a logo, a photo in a leaflet) means the page must be rendered whole.
FULL_PAGE_COVERAGE = 0.85
# Embedded scans below this resolution are rendered at ocr_dpi instead, which upsamples
# them smoothly; tesseract reads 100-dpi pixels badly.
MIN_EMBEDDED_DPI = 150
# Rendering is scaled down to respect max_image_pixels (large-format plans), but not below
# this resolution: under it OCR output is noise and refusing is more honest.
MIN_RENDER_DPI = 100

_SPACE = re.compile(r"\s+")


def extract_pdf(content: bytes, limits: ExtractionLimits, budget: PageBudget) -> PageTexts:
    """Text of every page of a PDF, OCRing the pages that have no text layer."""
    pdf = _open(content)
    try:
        count = len(pdf)
        if count <= 0:
            raise CorruptDocument("the PDF has no pages (it is damaged or truncated)")
        budget.take(count, "the PDF")
        result = PageTexts()
        for index in range(count):
            _extract_page(pdf, index, limits, result)
        return result
    finally:
        pdf.close()


def _open(content: bytes) -> pdfium.PdfDocument:
    """Open a PDF from memory, turning PDFium's load errors into document errors."""
    try:
        return pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedDocument(
                "the PDF is protected by a password; remove the password and drop it again"
            ) from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedDocument(
                "the PDF uses an encryption scheme that cannot be opened; "
                "print it to a new PDF without protection and drop it again"
            ) from exc
        raise CorruptDocument(
            f"the PDF is damaged or truncated and cannot be opened ({exc})"
        ) from exc


def _extract_page(
    pdf: pdfium.PdfDocument, index: int, limits: ExtractionLimits, result: PageTexts
) -> None:
    """Append page `index` to `result`, from its text layer or by OCR."""
    label = f"page {index + 1}"
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"{label} of the PDF is damaged ({exc})") from exc
    try:
        text = _text_layer(page)
        if len(_SPACE.sub("", text)) >= MIN_TEXT_CHARS or not _has_graphics(page):
            # Either real text, or a page with nothing to see (blank, or text only):
            # rendering a blank page to OCR it would cost a second for nothing.
            result.add_text_page(text)
            return
        image, dpi = _embedded_scan(page, limits)
        if image is None:
            image, dpi = _render(page, limits, label)
        result.add_ocr_page(ocr_image(image, limits, label, dpi))
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"{label} of the PDF cannot be read ({exc})") from exc
    finally:
        page.close()


def _text_layer(page: pdfium.PdfPage) -> str:
    """The page's text layer, '' if it has none."""
    textpage = page.get_textpage()
    try:
        return textpage.get_text_bounded()
    finally:
        textpage.close()


def _has_graphics(page: pdfium.PdfPage) -> bool:
    """Whether the page draws anything but text (images, vector paths, forms, shadings)."""
    return any(obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT for obj in page.get_objects(max_depth=1))


def _embedded_scan(
    page: pdfium.PdfPage, limits: ExtractionLimits
) -> tuple[Image.Image | None, int | None]:
    """The page's scan taken out of the PDF without rendering, or (None, None).

    Only the plain case is handled - one upright image filling the page, nothing else drawn
    but (invisible) text, JPEG or losslessly packed grey/RGB pixels - because anything else
    (masks, rotation, CCITT/JBIG2 decode arrays, overlays) is only shown right by rendering.
    """
    images = []
    for obj in page.get_objects(max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
            return None, None
    if len(images) != 1 or page.get_rotation() != 0:
        return None, None
    image = images[0]
    matrix = image.get_matrix()
    if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
        return None, None
    page_w, page_h = page.get_size()
    left, bottom, right, top = image.get_bounds()
    shown_w = min(right, page_w) - max(left, 0)
    shown_h = min(top, page_h) - max(bottom, 0)
    if shown_w <= 0 or shown_h <= 0 or shown_w * shown_h < FULL_PAGE_COVERAGE * page_w * page_h:
        return None, None
    px_w, px_h = image.get_px_size()
    if px_w * px_h > limits.max_image_pixels or px_w <= 0:
        return None, None  # rendering has its own, scaled, limit
    dpi = round(px_w / ((right - left) / 72))
    if dpi < MIN_EMBEDDED_DPI:
        return None, None

    # Simple filters (ASCII85, Flate...) are undone by get_data(decode_simple=True); what
    # remains decides whether we hold a JPEG, raw pixels, or something only PDFium can draw.
    complex_filters = image.get_filters(skip_simple=True)
    metadata = image.get_metadata()
    if complex_filters == ["DCTDecode"]:
        data = bytes(image.get_data(decode_simple=True))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                pil = Image.open(io.BytesIO(data), formats=["JPEG"])
                if pil.size != (px_w, px_h) or pil.mode not in ("L", "RGB"):
                    return None, None
                pil.draft("L", pil.size)
                pil.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return None, None  # let the renderer decide what the page really shows
        return pil, dpi
    simple = not complex_filters
    plain_colour = metadata.colorspace in (
        pdfium_c.FPDF_COLORSPACE_DEVICEGRAY,
        pdfium_c.FPDF_COLORSPACE_DEVICERGB,
    )
    if simple and plain_colour and metadata.bits_per_pixel in (8, 24):
        return image.get_bitmap(render=False).to_pil(), dpi
    return None, None


def _render(page: pdfium.PdfPage, limits: ExtractionLimits, label: str) -> tuple[Image.Image, int]:
    """Render the page in grey at ocr_dpi, or lower if that would exceed max_image_pixels."""
    width_pt, height_pt = page.get_size()
    dpi = float(limits.ocr_dpi)
    pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
    if pixels > limits.max_image_pixels:
        # A large-format page (a plan attached to a building permit) is still worth reading
        # at a lower resolution; the pixel cap is about memory, not about refusing plans.
        dpi = int(dpi * (limits.max_image_pixels / pixels) ** 0.5)  # floor: stay under
        if dpi < MIN_RENDER_DPI:
            raise LimitExceeded(
                f"{label} measures {width_pt / 72 * 2.54:.0f}x{height_pt / 72 * 2.54:.0f} cm; "
                f"even at {MIN_RENDER_DPI} dpi it would exceed the limit of "
                f"{limits.max_image_pixels / 1e6:.0f} megapixels"
            )
    scale = dpi / 72
    check_pixels(round(width_pt * scale), round(height_pt * scale), limits, label)
    try:
        bitmap = page.render(scale=scale, grayscale=True)
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"{label} of the PDF cannot be rendered ({exc})") from exc
    except MemoryError as exc:
        raise LimitExceeded(f"{label} is too large to render in memory") from exc
    return bitmap.to_pil(), round(dpi)
