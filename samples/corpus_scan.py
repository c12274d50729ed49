"""Make born-digital letter PDFs look like they went through a cheap office scanner.

Pages are rasterised at 300 dpi in grey with pypdfium2, then skewed, sometimes fed upside
down or sideways, blurred, lit unevenly, speckled and JPEG-compressed.  The scanner's own
"white point" clean-up is imitated too: it is what keeps real scans (and our committed
samples) small, because the paper background becomes flat white.
"""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 300
# Pillow writes the current time into PDF metadata unless told otherwise.
FIXED_PDF_DATE = "D:20260101000000Z"


def rasterise(pdf_bytes: bytes, dpi: int = DPI) -> list[Image.Image]:
    """Render every page of ``pdf_bytes`` to an 8-bit grey PIL image."""
    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        pages = []
        for page in doc:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            pages.append(bitmap.to_pil().convert("L"))
            page.close()
        return pages
    finally:
        doc.close()


def degrade(page: Image.Image, rng: np.random.Generator, turn: int = 0) -> Image.Image:
    """Apply scanner defects to one grey page; ``turn`` is 0, 90, 180 or 270 degrees."""
    skew = float(rng.uniform(0.3, 2.5)) * (1 if rng.random() < 0.5 else -1)
    # Scanner lids are not perfectly white: the area uncovered by the skew is light grey.
    img = page.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False,
                      fillcolor=int(rng.integers(225, 250)))
    if turn:
        img = img.rotate(turn, expand=True)
    img = img.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.5, 1.1))))

    arr = np.asarray(img, dtype=np.float32)
    h, w = arr.shape
    # Uneven lamp brightness: a gentle linear gradient plus a darker band near one edge.
    yy = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    xx = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    gx, gy = rng.uniform(-0.08, 0.08, size=2)
    shade = 1.0 - 0.04 - gx * xx - gy * yy
    edge = np.exp(-xx / 0.03, dtype=np.float32) * float(rng.uniform(0.0, 0.25))
    arr = arr * (shade - edge).astype(np.float32)
    arr += rng.normal(0.0, float(rng.uniform(5.0, 12.0)), size=arr.shape).astype(np.float32)
    # Scanner clean-up: stretch so that the paper goes to white and ink stays dark.
    white = float(rng.uniform(200, 225))
    black = float(rng.uniform(15, 45))
    arr = (arr - black) * (255.0 / (white - black))
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    img = Image.fromarray(arr, mode="L")

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(35, 60)))
    buf.seek(0)
    return Image.open(buf).convert("L")


def pick_turn(rng: np.random.Generator) -> int:
    """About one scanned page in ten is fed sideways or upside down."""
    if rng.random() < 0.10:
        return int(rng.choice([90, 180, 270]))
    return 0


def save_png(img: Image.Image) -> bytes:
    """8-bit grey PNG; quantised to 16 levels so the noisy edges still compress."""
    quant = img.point(lambda v: (v // 16) * 17)
    buf = io.BytesIO()
    quant.save(buf, "PNG", optimize=True, dpi=(DPI, DPI))
    return buf.getvalue()


def save_jpeg(img: Image.Image, quality: int) -> bytes:
    """Baseline grey JPEG without EXIF, so the bytes depend on the pixels only."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, dpi=(DPI, DPI))
    return buf.getvalue()


def save_tiff(pages: list[Image.Image]) -> bytes:
    """Multi-page bilevel TIFF (CCITT group 4), as fax-like scanners produce."""
    bw = [p.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)
          for p in pages]
    buf = io.BytesIO()
    bw[0].save(buf, "TIFF", save_all=True, append_images=bw[1:], compression="group4",
               dpi=(DPI, DPI))
    return buf.getvalue()


def save_image_pdf(pages: list[Image.Image], quality: int) -> bytes:
    """Image-only PDF (one JPEG per page, no text layer), like a scan-to-PDF copier."""
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=DPI,
                  quality=quality, title="Numérisation", producer="Scanner",
                  creationDate=FIXED_PDF_DATE, modDate=FIXED_PDF_DATE)
    return buf.getvalue()
