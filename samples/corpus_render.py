"""Draw a ``Letter`` as a born-digital PDF with reportlab.

Only the 14 standard PDF fonts are used so that no font file of the build machine is
needed and output stays byte-identical across machines (invariant mode fixes the dates
and document ID).
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

from samples.corpus_common import Letter, euros

PAGE_W, PAGE_H = A4
MARGIN = 56
BOTTOM = 70
BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}


def pdf_safe(text: str) -> str:
    """Map characters outside WinAnsi (used by standard fonts) to close equivalents."""
    return text.replace("\u202f", "\u00a0").replace("\u2011", "-")


class _Writer:
    """Tiny flowing-text helper on top of a reportlab canvas, with page breaks."""

    def __init__(self, c: canvas.Canvas, font: str, size: float, footer: str | None) -> None:
        self.c = c
        self.font = font
        self.bold = BOLD.get(font, font)
        self.size = size
        self.leading = size * 1.35
        self.footer = footer
        self.y = PAGE_H - MARGIN
        self.page = 1

    def finish_page(self) -> None:
        c = self.c
        if self.footer:
            c.setFont(self.font, 7)
            c.drawCentredString(PAGE_W / 2, 32, pdf_safe(self.footer))
        if self.page > 1:
            c.setFont(self.font, 8)
            c.drawRightString(PAGE_W - MARGIN, 20, f"page {self.page}")
        c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.finish_page()

    def lines(self, lines: list[str], x: float = MARGIN, bold: bool = False,
              size: float | None = None, align: str = "left") -> None:
        size = size or self.size
        font = self.bold if bold else self.font
        for line in lines:
            self.need(self.leading)
            self.c.setFont(font, size)
            text = pdf_safe(line)
            if align == "right":
                self.c.drawRightString(PAGE_W - MARGIN, self.y, text)
            else:
                self.c.drawString(x, self.y, text)
            self.y -= size * 1.35

    def paragraph(self, text: str, x: float = MARGIN, width: float = PAGE_W - 2 * MARGIN,
                  indent: bool = False, bold: bool = False) -> None:
        text = ("    " if indent else "") + pdf_safe(text)
        font = self.bold if bold else self.font
        self.lines(simpleSplit(text, font, self.size, width), x=x, bold=bold)
        self.y -= self.leading * 0.5


def _invoice_table(letter: Letter, font: str) -> Table:
    sep = letter.invoice_sep
    head = ["Désignation", "Qté", "Unité", "PU HT", "TVA", "Total HT"]
    rows: list[list[str]] = [head]
    totals_ht: dict[float, float] = {}
    for line in letter.invoice_lines:
        qty = f"{line.quantity:g}".replace(".", ",")
        rate = f"{line.vat_rate:g}".replace(".", ",") + " %"
        rows.append([line.label, qty, line.unit, euros(line.unit_price, sep), rate,
                     euros(line.total_ht, sep)])
        totals_ht[line.vat_rate] = totals_ht.get(line.vat_rate, 0) + line.total_ht
    total_ht = round(sum(totals_ht.values()), 2)
    rows.append(["", "", "", "", "Total HT", euros(total_ht, sep)])
    for rate, base in sorted(totals_ht.items(), reverse=True):
        rows.append(["", "", "", "", f"TVA {rate:g} %".replace(".", ","),
                     euros(round(base * rate / 100, 2), sep)])
    rows.append(["", "", "", "", "Total TTC", euros(letter.amount_ttc or 0.0, sep)])
    rows = [[pdf_safe(cell) for cell in row] for row in rows]
    n_lines = len(letter.invoice_lines)
    table = Table(rows, colWidths=[190, 40, 45, 70, 60, 78])
    bold = BOLD.get(font, font)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("FONT", (0, 0), (-1, 0), bold, 9),
        ("FONT", (4, -1), (-1, -1), bold, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
        ("GRID", (0, 0), (-1, n_lines), 0.5, colors.black),
        ("BOX", (4, n_lines + 1), (-1, -1), 0.5, colors.black),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return table


def render_letter(letter: Letter) -> tuple[bytes, int]:
    """Render ``letter`` to PDF bytes; return them with the page count."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(pdf_safe(letter.subject or letter.email_subject or "Courrier"))
    c.setAuthor(pdf_safe(letter.sender))
    c.setCreator("courrier sample generator")
    layout = letter.layout
    font = str(layout.get("font", "Helvetica"))
    size = 10.0 if font != "Courier" else 9.5
    w = _Writer(c, font, size, letter.footer)

    if letter.letterhead:
        if layout.get("letterhead") == "band":
            c.setFillColor(colors.Color(0.25, 0.25, 0.25))
            c.rect(0, PAGE_H - 64, PAGE_W, 40, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.setFont(w.bold, 15)
            c.drawString(MARGIN, PAGE_H - 50, pdf_safe(letter.letterhead))
            c.setFillColor(colors.black)
        else:
            c.setFont(w.bold, 14)
            c.drawString(MARGIN, PAGE_H - 44, pdf_safe(letter.letterhead))
            c.setLineWidth(0.8)
            c.line(MARGIN, PAGE_H - 50, PAGE_W - MARGIN, PAGE_H - 50)
        w.y = PAGE_H - 90

    top = w.y
    right_x = 320
    if layout.get("sender_side") == "right":
        w.y = top
        w.lines(letter.sender_block, x=right_x)
        w.y = min(w.y, top - 70) - 20
        w.lines(letter.recipient_block, x=MARGIN)
    else:
        w.lines(letter.sender_block, x=MARGIN)
        w.y = min(w.y, top - 60) - 20
        w.lines(letter.recipient_block, x=right_x)
    w.y -= w.leading
    if layout.get("date_pos") == "top-right":
        w.lines([letter.place_date], x=right_x)
    else:
        w.lines([letter.place_date], x=MARGIN)
    w.y -= w.leading
    if letter.ref_lines:
        w.lines(letter.ref_lines, x=MARGIN, size=size - 1)
    if letter.subject:
        label = letter.subject_label + " " if letter.subject_label else ""
        w.paragraph(label + letter.subject, bold=bool(layout.get("bold_subject", True)))
    w.y -= w.leading * 0.5
    w.lines([letter.salutation])
    w.y -= w.leading * 0.5
    for i, para in enumerate(letter.paragraphs):
        w.paragraph(para, indent=layout.get("indent", False) is True)
        if i == 0 and letter.invoice_lines:
            table = _invoice_table(letter, font)
            _, th = table.wrapOn(c, PAGE_W - 2 * MARGIN, PAGE_H)
            w.need(th + 10)
            table.drawOn(c, MARGIN, w.y - th)
            w.y -= th + w.leading
    w.paragraph(letter.closing)
    w.y -= w.leading
    w.need(w.leading * (len(letter.signature) + 2))
    w.lines(letter.signature, x=right_x)

    if letter.annex:
        w.finish_page()
        w.lines([letter.annex_title or "Annexe"], bold=True, size=size + 2)
        w.y -= w.leading
        for line in letter.annex:
            w.paragraph("– " + line)
    pages = w.page
    w.finish_page()
    c.save()
    return buf.getvalue(), pages
