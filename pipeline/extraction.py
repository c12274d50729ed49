"""Text extraction: the bytes of a dropped document in, its text and a few facts out.

`extract_text` is a pure function of its inputs, thread-free and without global state
besides caches (the caller runs it in a child process with a timeout and a memory cap).
The work is split by format:

- `pipeline.extraction_pdf`: PDF text layer, OCR of scanned pages;
- `pipeline.extraction_image`: PNG/JPEG/TIFF loading with pixel limits, tesseract;
- `pipeline.extraction_email`: .eml headers, body, attachments (recursively through here).

Every refusal is a `DocumentError` subclass with a readable `reason`; a missing tesseract
or language pack is `MissingDependency`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from pipeline.errors import CorruptDocument, UnsupportedFormat
from pipeline.extraction_email import EmailInfo, decode_text, extract_email
from pipeline.extraction_image import (
    PageBudget,
    PageTexts,
    check_ocr_available,
    extract_image,
)
from pipeline.extraction_pdf import extract_pdf

__all__ = [
    "EmailInfo",
    "ExtractedText",
    "ExtractionLimits",
    "check_ocr_available",
    "detect_kind",
    "extract_text",
]


@dataclass(frozen=True)
class ExtractionLimits:
    """Bounds on the work one document may cause."""

    max_pages: int = 100
    max_image_pixels: int = 60_000_000  # per page/image: decompression-bomb guard
    ocr_language: str = "fra"
    ocr_dpi: int = 300  # render resolution of image-only PDF pages
    ocr_page_timeout: float = 60.0  # seconds, passed to pytesseract per page


@dataclass(frozen=True)
class ExtractedText:
    """The text of a document and how it was obtained."""

    text: str  # whole text, pages separated by "\f"
    pages: int
    method: str  # "text-layer" | "ocr" | "mixed" | "email" | "plain-text"
    confidence: float | None  # mean tesseract word confidence 0..100 over OCRed pages
    source: str  # "email" for .eml, else "scan" (the register's `source` field)
    email: EmailInfo | None


# Signatures of formats we refuse, so that the reason can tell the agent what to do.
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an office document (Word, Excel, OpenDocument)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office or Outlook (.msg) file"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)
_REFUSED_HINT = "export it to PDF (or save the image as PDF/JPEG/PNG) and drop it again"
# Header names whose presence at the top makes an extension-less file an e-mail.
_EMAIL_HEADER = re.compile(
    rb"^(received|return-path|from|to|subject|date|message-id|mime-version|delivered-to"
    rb"|x-[a-z0-9-]+):",
    re.IGNORECASE,
)


def detect_kind(content: bytes, filename: str) -> str:
    """'pdf' | 'png' | 'jpeg' | 'tiff' | 'eml' | 'text' — by magic bytes first.

    A PDF named .jpg is a PDF; the extension only serves as a hint for the formats that have
    no magic (.eml, .txt). Raises UnsupportedFormat (e.g. .docx/.zip/unknown) with a
    readable reason, CorruptDocument for an empty file.
    """
    if not content:
        raise CorruptDocument("the file is empty")
    head = content[:1024]
    # before the PDF test: a ZIP that stores a PDF uncompressed shows "%PDF-" early on
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormat(f"the file is {what}, which is not supported; {_REFUSED_HINT}")
    # The PDF header may legally be preceded by junk (some scanners prepend a few bytes).
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        raise UnsupportedFormat(
            f"the file is a BigTIFF image, which is not supported; {_REFUSED_HINT}"
        )
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        raise UnsupportedFormat(f"the file is a HEIC photo (iPhone); {_REFUSED_HINT}")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise UnsupportedFormat(f"the file is a WebP image; {_REFUSED_HINT}")
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        # "BM" alone would also match text files; the reserved header bytes must be zero.
        raise UnsupportedFormat(f"the file is a BMP image, which is not supported; {_REFUSED_HINT}")

    extension = os.path.splitext(filename.lower())[1]
    textual = _looks_textual(head)
    if extension == ".eml" and textual:
        return "eml"
    if extension == ".txt" and (textual or head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return "text"  # the BOM case: Windows Notepad's "Unicode" is UTF-16, full of NULs
    if textual and _EMAIL_HEADER.match(head.lstrip()):
        return "eml"
    shown = f"'{extension}' " if extension else ""
    raise UnsupportedFormat(
        f"the {shown}file type is not recognised (supported: PDF, JPEG, PNG, TIFF, e-mail "
        f".eml, text .txt); {_REFUSED_HINT}"
    )


def _looks_textual(head: bytes) -> bool:
    """Whether bytes look like text in any 8-bit or UTF-8 encoding (no NUL, few controls)."""
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def extract_text(
    content: bytes, filename: str, limits: ExtractionLimits = ExtractionLimits()
) -> ExtractedText:
    """Pure function: bytes in, text out.

    Raises DocumentError subclasses for bad input (UnsupportedFormat, CorruptDocument,
    EncryptedDocument, LimitExceeded), MissingDependency if tesseract or its language data
    is absent when a page needs OCR.
    """
    kind = detect_kind(content, filename)
    budget = PageBudget(limits.max_pages)
    if kind == "eml":
        pages, info = extract_email(content, limits, budget, detect_kind, _extract_kind)
        return ExtractedText(
            text="\f".join(clean_page_text(text) for text in pages.texts),
            pages=len(pages.texts),
            method="email",
            confidence=pages.confidence,
            source="email",
            email=info,
        )
    pages = _extract_kind(content, kind, limits, budget)
    if kind == "text":
        method = "plain-text"
    elif not pages.ocr_pages:
        method = "text-layer"
    elif not pages.text_pages:
        method = "ocr"
    else:
        method = "mixed"
    return ExtractedText(
        text="\f".join(pages.texts),
        pages=len(pages.texts),
        method=method,
        confidence=pages.confidence,
        source="scan",
        email=None,
    )


def _extract_kind(
    content: bytes, kind: str, limits: ExtractionLimits, budget: PageBudget
) -> PageTexts:
    """Cleaned pages of a non-email document of a known kind; also used for attachments."""
    if kind == "pdf":
        pages = extract_pdf(content, limits, budget)
    elif kind in ("png", "jpeg", "tiff"):
        pages = extract_image(content, kind, limits, budget)
    elif kind == "text":
        budget.take(1, "the text file")
        pages = PageTexts()
        pages.add_text_page(decode_text(content))
    else:  # pragma: no cover - detect_kind only returns the kinds above
        raise UnsupportedFormat(f"no extractor for {kind} files")
    pages.texts = [clean_page_text(text) for text in pages.texts]
    return pages


_LIGATURES = str.maketrans(
    {
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "\u00ad": "",
        "\ufffe": "",
        "\uffff": "",
    }
)


def clean_page_text(text: str) -> str:
    """Normalise one page of text for storage and searching.

    Line ends become "\\n" and a stray "\\f" becomes a line break (form feed separates our
    pages); control characters PDFium leaves in (e.g. "\\x02" for a hyphen at line end) go;
    typographic ligatures (ﬁ, ﬂ) are spelled out so that a search for "fichier" finds them;
    trailing spaces and runs of blank lines are dropped; NFC so accents compare equal.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\x02", "-").translate(_LIGATURES)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return unicodedata.normalize("NFC", text)
