"""Tests of pipeline.extraction: format detection, PDF text layer, OCR, e-mail, limits.

Every fixture is generated here: a French letter typeset with reportlab, "scanned" by
rendering it with pypdfium2, saved as PNG/JPEG/TIFF or wrapped in an image-only PDF, and
e-mails built with the standard library. OCR tests are marked slow but run by default.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zlib
from email.message import EmailMessage

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFile
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline import extraction_pdf, ocr_engine
from pipeline.errors import (
    CorruptDocument,
    EncryptedDocument,
    LimitExceeded,
    MissingDependency,
    UnsupportedFormat,
)
from pipeline.extraction import (
    ExtractedText,
    ExtractionLimits,
    check_ocr_available,
    detect_kind,
    extract_text,
)
from pipeline.extraction_email import html_to_text, safe_display_name

SUBJECT = "Objet : Demande de permis de construire pour l'extension du garage"
LETTER = [
    "Hélène Dupré",
    "12 rue des Écoles",
    "01340 Marsonnas",
    "",
    "Madame la Maire,",
    "",
    SUBJECT,
    "",
    "Je sollicite l'autorisation d'agrandir mon garage situé au fond du jardin.",
    "Vous trouverez ci-joint les plans détaillés ainsi que la déclaration préalable.",
    "Je reste à votre disposition pour tout renseignement complémentaire.",
    "",
    "Je vous prie d'agréer, Madame la Maire, l'expression de mes salutations distinguées.",
]
# Words an OCR of the letter must find (compared without case or accents).
OCR_WORDS = ("permis", "construire", "garage", "salutations", "distinguees", "ecoles")
SCAN_DPI = 200


def fold(text: str) -> str:
    """Lower-case and strip accents, for comparisons tolerant of OCR accent slips."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def letter_scan() -> Image.Image:
    """The typed letter of `letter_pdf` rendered as a grey scan at SCAN_DPI."""
    pdf = pdfium.PdfDocument(letter_pdf())
    try:
        return pdf[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L").copy()
    finally:
        pdf.close()


def assert_ocr_words(text: str) -> None:
    """The OCRed text contains the key words of the letter."""
    folded = fold(text)
    missing = [word for word in OCR_WORDS if word not in folded]
    assert not missing, f"missing {missing} in OCR text:\n{text}"


def letter_pdf(pages: int = 1, **canvas_options: object) -> bytes:
    """A born-digital French letter, `pages` pages long."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, **canvas_options)
    for number in range(1, pages + 1):
        y = A4[1] - 90
        pdf.setFont("Helvetica", 13)
        for line in LETTER:
            pdf.drawString(60, y, line)
            y -= 22
        pdf.drawString(60, 50, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_pdf(images: list[Image.Image | None], full_page: bool = True) -> bytes:
    """A PDF whose pages show the given scans as JPEG (None: a born-digital letter page)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    for image in images:
        if image is None:
            y = height - 90
            pdf.setFont("Helvetica", 13)
            for line in LETTER:
                pdf.drawString(60, y, line)
                y -= 22
        else:
            jpeg = io.BytesIO()
            image.save(jpeg, format="JPEG", quality=85)
            jpeg.seek(0)
            if full_page:
                pdf.drawImage(ImageReader(jpeg), 0, 0, width, height)
            else:
                # Shown smaller than the page, with a frame: only rendering shows it right.
                pdf.drawImage(ImageReader(jpeg), 40, 40, width - 80, height - 80)
                pdf.rect(20, 20, width - 40, height - 40)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def letter() -> bytes:
    """One-page born-digital letter."""
    return letter_pdf()


@pytest.fixture(scope="module")
def scan(letter: bytes) -> Image.Image:
    """The letter as a grey scan at SCAN_DPI."""
    pdf = pdfium.PdfDocument(letter)
    try:
        image = pdf[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil()
        return image.copy()
    finally:
        pdf.close()


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    """Image file bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, dpi=(SCAN_DPI, SCAN_DPI), **options)
    return buffer.getvalue()


def huge_bilevel_png(width: int, height: int) -> bytes:
    """A real, valid 1-bit white PNG of the given size; tiny on disk, huge in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte "None", then white pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any image file gets its pixel data decoded."""

    def forbidden(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixel data was decoded before the size check")

    monkeypatch.setattr(ImageFile.ImageFile, "load", forbidden)


def zip_bytes() -> bytes:
    """Bytes of a minimal .docx-like ZIP archive."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# --- detection -----------------------------------------------------------------------------


def test_detect_kind_trusts_magic_over_extension(letter: bytes, scan: Image.Image) -> None:
    small = scan.resize((200, 280))
    assert detect_kind(letter, "photo.jpg") == "pdf"
    assert detect_kind(encode(small, "PNG"), "scan.pdf") == "png"
    assert detect_kind(encode(small, "JPEG"), "scan") == "jpeg"
    assert detect_kind(encode(small, "TIFF"), "scan.tif") == "tiff"
    assert detect_kind(b"Objet : r\xe9union", "note.txt") == "text"
    assert detect_kind(b"From: a@b.fr\r\nSubject: x\r\n\r\nbody", "message.eml") == "eml"
    assert detect_kind(b"Received: from x\r\nFrom: a@b.fr\r\n\r\nbody", "noname") == "eml"


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (zip_bytes(), "courrier.docx"),
        (zip_bytes(), "archive.zip"),
        (bytes(range(256)) * 8, "mystery.bin"),
        (bytes(range(256)) * 8, "notes.txt"),
        (b"GIF89a\x01\x00\x01\x00", "logo.gif"),
        (b"just some words", "data.csv"),
    ],
)
def test_unsupported_formats_are_refused_with_a_reason(content: bytes, filename: str) -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        extract_text(content, filename)
    assert "not" in caught.value.reason and len(caught.value.reason) > 20


def test_empty_file_is_corrupt() -> None:
    with pytest.raises(CorruptDocument, match="the file is empty"):
        extract_text(b"", "scan.pdf")


# --- PDF -------------------------------------------------------------------------------------


def test_born_digital_pdf_uses_text_layer(letter: bytes) -> None:
    result = extract_text(letter, "lettre.pdf")
    assert isinstance(result, ExtractedText)
    assert SUBJECT in result.text
    assert "Hélène Dupré" in result.text and "distinguées" in result.text
    assert (result.method, result.pages, result.confidence) == ("text-layer", 1, None)
    assert (result.source, result.email) == ("scan", None)


def test_pages_are_separated_by_form_feeds() -> None:
    result = extract_text(letter_pdf(pages=3), "lettre.pdf")
    assert result.pages == 3
    pages = result.text.split("\f")
    assert [("Page 1" in p, "Page 3" in p) for p in pages] == [
        (True, False),
        (False, False),
        (False, True),
    ]


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(EncryptedDocument, match="password"):
        extract_text(letter_pdf(encrypt="secret"), "protege.pdf")


def test_truncated_pdf_is_corrupt(letter: bytes) -> None:
    with pytest.raises(CorruptDocument):
        extract_text(letter[: len(letter) // 2], "tronque.pdf")


def test_page_cap() -> None:
    with pytest.raises(LimitExceeded, match="3 pages; the limit is 2"):
        extract_text(letter_pdf(pages=3), "long.pdf", ExtractionLimits(max_pages=2))


# --- images: limits -------------------------------------------------------------------------


def test_image_declaring_a_huge_size_is_refused_without_decoding(no_pixel_decoding: None) -> None:
    content = huge_bilevel_png(20_000, 20_000)
    assert len(content) < 200_000  # the bomb is tiny on disk
    with pytest.raises(LimitExceeded):
        extract_text(content, "bombe.png")


def test_image_over_the_configured_pixel_limit(no_pixel_decoding: None) -> None:
    content = huge_bilevel_png(3000, 2000)
    with pytest.raises(LimitExceeded, match="3000x2000"):
        extract_text(content, "grand.png", ExtractionLimits(max_image_pixels=5_000_000))


def test_tiff_frames_count_against_the_page_cap(scan: Image.Image) -> None:
    small = scan.resize((100, 140))
    content = encode(small, "TIFF", save_all=True, append_images=[small, small])
    with pytest.raises(LimitExceeded, match="3 pages"):
        extract_text(content, "multi.tif", ExtractionLimits(max_pages=2))


def test_truncated_image_is_corrupt(scan: Image.Image) -> None:
    content = encode(scan, "PNG")
    with pytest.raises(CorruptDocument):
        extract_text(content[: len(content) // 2], "coupe.png")


# --- OCR -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ocr_png(scan: Image.Image) -> None:
    result = extract_text(encode(scan, "PNG"), "scan.png")
    assert_ocr_words(result.text)
    assert (result.method, result.pages, result.source) == ("ocr", 1, "scan")
    assert result.confidence is not None and result.confidence > 50


@pytest.mark.slow
def test_ocr_jpeg_in_colour(scan: Image.Image) -> None:
    result = extract_text(encode(scan.convert("RGB"), "JPEG", quality=80), "photo.jpeg")
    assert_ocr_words(result.text)
    assert result.method == "ocr" and result.confidence is not None and result.confidence > 50


@pytest.mark.slow
def test_ocr_two_page_tiff(scan: Image.Image) -> None:
    bilevel = scan.point(lambda v: 255 if v > 160 else 0).convert("1")
    content = encode(bilevel, "TIFF", save_all=True, append_images=[bilevel])
    result = extract_text(content, "scan.tiff")
    assert result.pages == 2 and result.method == "ocr"
    first, second = result.text.split("\f")
    assert_ocr_words(first)
    assert_ocr_words(second)
    assert result.confidence is not None and result.confidence > 50


@pytest.mark.slow
def test_ocr_image_only_pdf_takes_the_embedded_image(
    scan: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_render(*args: object) -> None:
        raise AssertionError("a full-page scan should be extracted, not rendered")

    monkeypatch.setattr(extraction_pdf, "_render", no_render)
    result = extract_text(image_pdf([scan]), "scan.pdf")
    assert_ocr_words(result.text)
    assert (result.method, result.pages) == ("ocr", 1)
    assert result.confidence is not None and result.confidence > 50


@pytest.mark.slow
def test_mixed_pdf_renders_a_framed_scan(scan: Image.Image) -> None:
    result = extract_text(image_pdf([None, scan], full_page=False), "dossier.pdf")
    assert (result.method, result.pages) == ("mixed", 2)
    typed, scanned = result.text.split("\f")
    assert SUBJECT in typed
    assert_ocr_words(scanned)
    assert result.confidence is not None and result.confidence > 50


@pytest.mark.slow
def test_ocr_timeout_is_a_limit(scan: Image.Image) -> None:
    limits = ExtractionLimits(ocr_page_timeout=0.01)
    with pytest.raises(LimitExceeded, match="OCR of page 1 took longer than"):
        extract_text(encode(scan, "PNG"), "lent.png", limits)


def test_missing_language_is_a_missing_dependency() -> None:
    with pytest.raises(MissingDependency, match="apt-get install tesseract-ocr"):
        check_ocr_available("xyz")
    check_ocr_available("fra")


def test_missing_tesseract_is_a_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    ocr_engine.installation.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "no-such-tesseract-binary")
    try:
        with pytest.raises(MissingDependency, match="not installed"):
            check_ocr_available()
    finally:
        ocr_engine.installation.cache_clear()


# --- plain text -------------------------------------------------------------------------------


def test_plain_text_falls_back_to_cp1252() -> None:
    result = extract_text("Objet : réunion du conseil – 3 €\r\n".encode("cp1252"), "note.txt")
    assert result.text == "Objet : réunion du conseil – 3 €"
    assert (result.method, result.pages, result.source) == ("plain-text", 1, "scan")
    assert extract_text("déjà vu".encode(), "n.txt").text == "déjà vu"


# --- e-mail ------------------------------------------------------------------------------------


def base_email(**headers: str) -> EmailMessage:
    """A message from a citizen to the town hall."""
    msg = EmailMessage()
    msg["From"] = "Hélène Dupré <helene.dupre@example.fr>"
    msg["To"] = "mairie@marsonnas.example.fr"
    msg["Subject"] = "Demande d'acte de naissance"
    msg["Date"] = "Tue, 05 Mar 2024 10:15:00 +0100"
    msg["Message-ID"] = "<20240305101500.1234@example.fr>"
    for name, value in headers.items():
        del msg[name]
        msg[name] = value
    return msg


def test_plain_email() -> None:
    msg = base_email()
    msg.set_content("Bonjour,\n\nPourriez-vous m'envoyer une copie intégrale ?\n\nMerci.")
    result = extract_text(msg.as_bytes(), "message.eml")
    assert (result.method, result.source, result.pages, result.confidence) == (
        "email",
        "email",
        1,
        None,
    )
    assert "De : Hélène Dupré <helene.dupre@example.fr>" in result.text
    assert "Objet : Demande d'acte de naissance" in result.text
    assert "copie intégrale" in result.text
    info = result.email
    assert info is not None
    assert (info.from_name, info.from_address) == ("Hélène Dupré", "helene.dupre@example.fr")
    assert info.subject == "Demande d'acte de naissance"
    assert info.date == "2024-03-05T10:15:00+01:00"
    assert info.message_id == "<20240305101500.1234@example.fr>"
    assert info.attachments == ()


def test_html_only_email_becomes_text() -> None:
    msg = base_email()
    msg.set_content(
        "<html><head><style>p { color: red; }</style><title>x</title></head><body>"
        "<script>alert('piège')</script><p>Bonjour,</p><p>Le compteur d&#39;eau du "
        "<b>12&nbsp;rue</b> fuit&nbsp;!<br>Merci de venir.</p>"
        "<table><tr><td>Réf.</td><td>A&amp;B</td></tr></table></body></html>",
        subtype="html",
    )
    result = extract_text(msg.as_bytes(), "message.eml")
    body = result.text.split("Objet : Demande d'acte de naissance\n\n", 1)[1]
    assert "<" not in body and ">" not in body and "&" not in body.replace("A&B", "")
    assert "color" not in body and "alert" not in body and body.startswith("Bonjour,")
    assert "Le compteur d'eau du 12 rue fuit !\nMerci de venir." in result.text
    assert "Réf. A&B" in result.text


def test_email_with_pdf_attachment_and_unsafe_name(letter: bytes) -> None:
    msg = base_email()
    msg.set_content("Veuillez trouver ma demande en pièce jointe.")
    msg.add_attachment(
        letter, maintype="application", subtype="pdf", filename="../../etc/passwd.pdf"
    )
    msg.add_attachment(
        zip_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="plan\x07 détaillé.docx",
    )
    result = extract_text(msg.as_bytes(), "message.eml")
    assert result.email is not None
    assert result.email.attachments == ("passwd.pdf", "plan détaillé.docx")
    assert result.pages == 2
    body, attachment = result.text.split("\f")
    assert "pièce jointe" in body
    assert SUBJECT in attachment
    assert result.confidence is None


def test_malformed_date_and_8bit_headers() -> None:
    raw = (
        b"From: Mairie annexe <annexe@example.fr>\r\n"
        b"Subject: R\xc3\xa9union publique \xe0 venir\r\n"
        b"Date: lundi dernier vers midi\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\n"
        b"\r\n"
        b"Ordre du jour : d\xc3\xa9lib\xc3\xa9rations.\r\n"
    )
    result = extract_text(raw, "annexe.eml")
    info = result.email
    assert info is not None
    assert info.date is None
    # Mixed 8-bit header: not valid UTF-8 as a whole, so Windows-1252 is used for it.
    assert info.subject is not None and info.subject.startswith("R") and "venir" in info.subject
    assert not any("\udc80" <= ch <= "\udcff" for ch in info.subject)  # no raw surrogates
    assert "Ordre du jour : délibérations." in result.text  # mis-declared charset


def test_email_without_body() -> None:
    raw = b"From: x@example.fr\r\nSubject: (vide)\r\n\r\n"
    result = extract_text(raw, "vide.eml")
    assert result.pages == 1
    assert "Objet : (vide)" in result.text
    assert result.email is not None and result.email.from_address == "x@example.fr"
    assert result.email.from_name is None


def test_forwarded_message_attachment_is_read(letter: bytes) -> None:
    inner = base_email(Subject="Fuite rue des Écoles")
    inner.set_content("L'eau coule sur le trottoir depuis ce matin.")
    inner.add_attachment(letter, maintype="application", subtype="pdf", filename="lettre.pdf")
    outer = base_email(Subject="TR: Fuite rue des Écoles")
    outer.set_content("Pour information.")
    outer.add_attachment(inner)
    result = extract_text(outer.as_bytes(), "tr.eml")
    assert result.pages == 3
    assert "Objet : Fuite rue des Écoles" in result.text
    assert "L'eau coule sur le trottoir" in result.text
    assert SUBJECT in result.text
    assert result.email is not None
    assert result.email.attachments == ("Fuite rue des Écoles.eml", "lettre.pdf")


def test_encoded_attachment_names_and_unreadable_attachment() -> None:
    msg = base_email()
    msg.set_content("Deux pièces.")
    protected = letter_pdf(encrypt="x")
    msg.add_attachment(
        protected, maintype="application", subtype="pdf", filename="délibération n°3.pdf"
    )
    raw = msg.as_bytes()
    assert b"filename*=" in raw  # RFC 2231 on the wire
    result = extract_text(raw, "message.eml")
    assert result.email is not None
    assert result.email.attachments == ("délibération n°3.pdf",)
    assert result.pages == 1  # the protected PDF is listed but not read


def test_email_attachments_share_the_page_cap() -> None:
    msg = base_email()
    msg.set_content("Trois documents.")
    for number in range(2):
        msg.add_attachment(
            letter_pdf(pages=2), maintype="application", subtype="pdf", filename=f"d{number}.pdf"
        )
    with pytest.raises(LimitExceeded, match="limit of 4 pages"):
        extract_text(msg.as_bytes(), "m.eml", ExtractionLimits(max_pages=4))
    assert extract_text(msg.as_bytes(), "m.eml", ExtractionLimits(max_pages=5)).pages == 5


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\marie\\scan.pdf", "scan.pdf"),
        ("re\u202egnp.pdf", "regnp.pdf"),
        ("..", ""),
    ],
)
def test_safe_display_name(name: str, expected: str) -> None:
    assert safe_display_name(name) == expected


def test_html_to_text_keeps_blocks_apart() -> None:
    assert html_to_text("<ul><li>un</li><li>deux</li></ul>x<br/>y") == "- un\n\n- deux\n\nx\ny"


def test_single_part_email_carrying_a_pdf(letter: bytes) -> None:
    # What some "scan to e-mail" copiers send: no text body, the PDF is the message.
    msg = base_email(Subject="Numérisation")
    msg.set_content(letter, maintype="application", subtype="pdf", filename="scan_0001.pdf")
    result = extract_text(msg.as_bytes(), "copieur.eml")
    assert result.email is not None and result.email.attachments == ("scan_0001.pdf",)
    assert result.pages == 2 and SUBJECT in result.text.split("\f")[1]


def test_rendering_scales_down_to_the_pixel_cap_then_refuses(scan: Image.Image) -> None:
    framed = image_pdf([scan.resize((400, 566))], full_page=False)
    pdf = pdfium.PdfDocument(framed)
    try:
        page = pdf[0]
        image, dpi = extraction_pdf._render(page, ExtractionLimits(max_image_pixels=2_000_000), "p")
        assert image.width * image.height <= 2_000_000 and 100 <= dpi < 300
        with pytest.raises(LimitExceeded, match="even at 100 dpi"):
            extraction_pdf._render(page, ExtractionLimits(max_image_pixels=500_000), "p")
        page.close()
    finally:
        pdf.close()


def test_a_zip_holding_a_pdf_is_refused_not_read_as_the_pdf(letter: bytes) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("lettre.pdf", letter)
    with pytest.raises(UnsupportedFormat, match="ZIP"):
        extract_text(buffer.getvalue(), "archive.zip")
