"""E-mail side of text extraction: headers, best body, attachments and forwarded messages.

Mail reaching a town hall is often malformed (8-bit headers, impossible dates, HTML only,
no body at all, attachments named with paths); the parsing here is deliberately tolerant and
never lets a header or an attachment sink the whole message, except when the message as a
whole exceeds the page cap.
"""

from __future__ import annotations

import email
import email.errors
import email.utils
import logging
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from pipeline.errors import DocumentError
from pipeline.extraction_image import PageBudget, PageBudgetExceeded, PageTexts

if TYPE_CHECKING:
    from pipeline.extraction import ExtractionLimits

log = logging.getLogger(__name__)

# Forwarded-as-attachment chains deeper than this are not followed (mail loops, bombs).
MAX_NESTING = 5
MAX_NAME_LENGTH = 150


@dataclass(frozen=True)
class EmailInfo:
    """Header fields of a received e-mail, already decoded, plus its attachment names."""

    from_name: str | None
    from_address: str | None
    subject: str | None
    date: str | None  # the Date header as ISO-8601 string, None if missing/malformed
    message_id: str | None
    attachments: tuple[str, ...]  # safe display names (never used as paths)


# Extracts the pages of one non-email attachment: (content, kind, limits, shared budget).
AttachmentExtractor = Callable[[bytes, str, "ExtractionLimits", PageBudget], PageTexts]
# Returns the kind of a file from its content and name, raising UnsupportedFormat otherwise.
KindDetector = Callable[[bytes, str], str]


def extract_email(
    content: bytes,
    limits: ExtractionLimits,
    budget: PageBudget,
    detect_kind: KindDetector,
    extract_attachment: AttachmentExtractor,
) -> tuple[PageTexts, EmailInfo]:
    """Text of an .eml message (header summary + body, then attachments) and its metadata.

    `detect_kind` and `extract_attachment` are passed in by `pipeline.extraction` so that
    attachments go through exactly the same code as dropped files, without an import cycle.
    """
    msg = email.message_from_bytes(content, policy=policy.default)
    assert isinstance(msg, EmailMessage)  # guaranteed by policy.default
    walker = _Walker(limits, budget, detect_kind, extract_attachment)
    result = walker.message(msg, depth=0)
    from_name, from_address = _sender(msg)
    info = EmailInfo(
        from_name=from_name,
        from_address=from_address,
        subject=_header(msg, "Subject"),
        date=_iso_date(msg),
        message_id=_header(msg, "Message-ID"),
        attachments=tuple(walker.names),
    )
    return result, info


@dataclass
class _Walker:
    """Walks a message and its forwarded messages, collecting pages and attachment names."""

    limits: ExtractionLimits
    budget: PageBudget
    detect_kind: KindDetector
    extract_attachment: AttachmentExtractor
    names: list[str] = field(default_factory=list)

    def message(self, msg: EmailMessage, depth: int) -> PageTexts:
        """One page for headers + body, then the pages of each readable attachment."""
        self.budget.take(1, "the e-mail")
        result = PageTexts()
        summary = _summary(msg)
        body = _body_text(msg)
        result.add_text_page("\n\n".join(part for part in (summary, body) if part))
        for number, part in enumerate(_attachment_parts(msg), start=1):
            name = _display_name(part, number)
            self.names.append(name)
            result.extend(self.attachment(part, name, depth))
        return result

    def attachment(self, part: Message, name: str, depth: int) -> PageTexts:
        """Pages of one attachment; empty when it is of an unread type or unreadable."""
        nested = _nested_message(part)
        payload = None if nested is not None else part.get_payload(decode=True)
        if nested is None and (not isinstance(payload, bytes) or not payload):
            return PageTexts()
        try:
            if nested is None:
                assert isinstance(payload, bytes)
                kind = self._kind(payload, name, part)
                if kind is None:
                    return PageTexts()  # listed, not read: spreadsheets, calendars...
                if kind != "eml":
                    return self.extract_attachment(payload, kind, self.limits, self.budget)
                parsed = email.message_from_bytes(payload, policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                nested = parsed
            if depth + 1 >= MAX_NESTING:
                return PageTexts()  # forwarding loops or a deliberate bomb
            return self.message(nested, depth + 1)
        except PageBudgetExceeded:
            raise  # the message as a whole is too big: the caller quarantines it
        except DocumentError as exc:
            # One unreadable attachment (password, damage, pixel bomb) must not lose the
            # mail itself: its body and other attachments are still registered.
            log.warning("attachment %r skipped: %s", name, exc.reason)
            return PageTexts()

    def _kind(self, payload: bytes, name: str, part: Message) -> str | None:
        """Kind of an attachment's content, None for types we do not read."""
        try:
            return self.detect_kind(payload, name)
        except DocumentError:
            # A text/plain part named without ".txt" is still text.
            return "text" if part.get_content_type() == "text/plain" else None


def _attachment_parts(msg: Message) -> Iterator[Message]:
    """Leaf parts that are attachments, with forwarded messages kept whole.

    Unnamed inline text parts are bodies or their alternatives, and inline images with a
    Content-ID are pictures of the HTML body (logos, signatures): neither is an attachment.
    """
    if not msg.is_multipart():
        # "Scan to e-mail" copiers may send the document itself as the whole message.
        if msg.get_content_maintype() not in ("text", "multipart", "message"):
            yield msg
        return
    for part in msg.iter_parts() if isinstance(msg, EmailMessage) else msg.get_payload():
        if _nested_message(part) is not None:
            yield part
        elif part.is_multipart():
            yield from _attachment_parts(part)
        else:
            disposition = part.get_content_disposition()
            filename = _safe_get_filename(part)
            maintype = part.get_content_maintype()
            if disposition != "attachment" and not filename and maintype == "text":
                continue
            if disposition != "attachment" and part.get("Content-ID") and maintype == "image":
                continue
            yield part


def _nested_message(part: Message) -> EmailMessage | None:
    """The forwarded message carried by a message/rfc822 part, if that is what it is."""
    if part.get_content_type() != "message/rfc822":
        return None
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], EmailMessage):
        return payload[0]
    return None


def _summary(msg: Message) -> str:
    """The French header lines that head the text of a message."""
    lines = []
    for label, name in (("De", "From"), ("À", "To"), ("Date", "Date"), ("Objet", "Subject")):
        value = _header(msg, name)
        if value:
            lines.append(f"{label} : {value}")
    return "\n".join(lines)


def _raw_header(msg: Message, name: str) -> str | None:
    """The header's value exactly as received (8-bit bytes still as surrogates)."""
    lowered = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == lowered:
            return str(value)
    return None


def _fix_8bit(value: str) -> str:
    """Decode raw 8-bit header bytes, which the parser keeps as surrogates.

    Non-ASCII headers without RFC 2047 encoding are usually UTF-8, else Windows-1252
    (old Outlook); the latter cannot fail, so nothing is ever lost to a decode error.
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words ("=?utf-8?q?...?="), tolerating broken ones."""
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeError, email.errors.HeaderParseError):
        return value


def _clean(value: str | None) -> str | None:
    """Collapse whitespace and remove control characters; None for an empty value."""
    if value is None:
        return None
    value = "".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in value)
    value = " ".join(value.split())
    return unicodedata.normalize("NFC", value) or None


def _header(msg: Message, name: str) -> str | None:
    """A readable, decoded header value, or None."""
    raw = _raw_header(msg, name)
    if raw is None:
        return None
    return _clean(_decode_words(_fix_8bit(raw)))


def _sender(msg: Message) -> tuple[str | None, str | None]:
    """Display name and address of From (parsed before decoding, as RFC 5322 wants)."""
    raw = _raw_header(msg, "From")
    if raw is None:
        return None, None
    name, address = email.utils.parseaddr(_fix_8bit(raw))
    if not address and not name:
        # Not an address at all ("Mairie"); keep it as a name rather than lose it.
        return _clean(_decode_words(_fix_8bit(raw))), None
    return _clean(_decode_words(name)), _clean(address)


def _iso_date(msg: Message) -> str | None:
    """The Date header as ISO 8601, None if it is absent or not a date."""
    raw = _raw_header(msg, "Date")
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(_fix_8bit(raw).strip()).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _safe_get_filename(part: Message) -> str | None:
    """The part's declared file name (RFC 2231/2047 decoded) or None; never raises."""
    try:
        name = part.get_filename()
    except (LookupError, ValueError, UnicodeError, email.errors.HeaderParseError):
        return None
    if name is None:
        return None
    name = _fix_8bit(str(name))
    return _decode_words(name) if "=?" in name else name


def safe_display_name(name: str) -> str:
    """Reduce a sender-chosen file name to a harmless base name for display.

    Directory parts (either slash), control and format characters are dropped, the name is
    NFC-normalised (macOS sends decomposed accents) and shortened keeping its extension.
    The result is for display only and must never be used as a path.
    """
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    name = name.rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def _display_name(part: Message, number: int) -> str:
    """Safe display name of an attachment, invented from its type when it has none."""
    declared = _safe_get_filename(part)
    name = safe_display_name(declared) if declared else ""
    if name:
        return name
    nested = _nested_message(part)
    if nested is not None:
        subject = _header(nested, "Subject")
        name = safe_display_name(f"{subject}.eml") if subject else ""
        return name or f"message-{number}.eml"
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"piece-jointe-{number}{extension}"


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes: the declared charset if it works, else UTF-8, else Windows-1252.

    Mis-declared charsets are common (a "us-ascii" body full of UTF-8 accents), so the
    declaration is only trusted when the bytes actually decode with it.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    candidates = [c for c in (declared, "utf-8") if c]
    for charset in candidates:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    # cp1252 leaves five byte values undefined; latin-1 maps every byte, so nothing fails.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _part_text(part: Message) -> str:
    """Decoded text of a text/* part."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_text(payload, part.get_content_charset())


def _body_text(msg: EmailMessage) -> str:
    """The best body: text/plain, or HTML turned into text when plain is absent or empty."""
    try:
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
    except (KeyError, ValueError, TypeError):
        return ""
    if plain is not None:
        text = _part_text(plain)
        if text.strip():
            return normalise_body(text)
    if html is not None:
        return normalise_body(html_to_text(_part_text(html)))
    return ""


def normalise_body(text: str) -> str:
    """Unify line ends, drop trailing spaces and runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _HtmlText(HTMLParser):
    """Collects the visible text of an HTML body, with line breaks at block boundaries."""

    SKIP = {"script", "style", "head", "title", "template", "noscript"}
    BLOCK = {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "thead", "tfoot", "tr", "ul",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities are unescaped for us
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter a skipped element, or break the line at a block element."""
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n- " if tag == "li" else "\n")
        else:
            # Inline tags (<td>, <span>...) may separate words without any space in between.
            self.parts.append(" " if tag in ("td", "th") else "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed element (<br/>) only breaks the line."""
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Leave a skipped element, or break the line after a block element."""
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep visible text only; source line breaks are mere spaces in HTML."""
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document: no tags, scripts or styles; entities decoded.

    HTML whitespace (including non-breaking spaces) collapses within a line; block
    elements give line breaks and at most one blank line is kept between blocks.
    """
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    # str.split() also treats the non-breaking space (&nbsp;) as whitespace.
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
