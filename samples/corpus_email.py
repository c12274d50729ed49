"""Build .eml files (RFC 5322 / MIME) carrying a ``Letter``.

Every random choice comes from the caller's generator and MIME boundaries, Message-IDs
and dates are set explicitly: the ``email`` package would otherwise draw boundaries from
the global random module and make output non-reproducible.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from types import ModuleType

from samples.corpus_common import Letter, euros

WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
MONTHS_ABBR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
               "oct.", "nov.", "déc."]
LATIN1_FALLBACK = {"œ": "oe", "Œ": "OE", "–": "-", "—": "-", "’": "'", "€": "EUR",
                   "\u202f": " ", "…": "...", "«\u00a0": "« ", "\u00a0»": " »"}


def latin1_safe(text: str) -> str:
    """Replace characters that ISO-8859-1 cannot carry, as old mail clients did."""
    for src, dst in LATIN1_FALLBACK.items():
        text = text.replace(src, dst)
    return text.encode("latin-1", "replace").decode("latin-1")


def _paris_time(day: dt.date, rng: random.Random) -> dt.datetime:
    # Summer time approximated by month: exact DST switch days do not matter here.
    offset = 2 if 4 <= day.month <= 10 else 1
    tz = dt.timezone(dt.timedelta(hours=offset))
    return dt.datetime(day.year, day.month, day.day, rng.randint(7, 19), rng.randint(0, 59),
                       rng.randint(0, 59), tzinfo=tz)


def _address(name: str, email: str) -> Address:
    user, domain = email.split("@", 1)
    return Address(display_name=name, username=user, domain=domain)


def _message_id(rng: random.Random, when: dt.datetime, domain: str) -> str:
    return f"<{when:%Y%m%d%H%M%S}.{rng.getrandbits(48):012x}@{domain}>"


def _text_body(letter: Letter, rng: random.Random, bank: ModuleType) -> str:
    lines = []
    if letter.ref_lines:
        lines += letter.ref_lines + [""]
    lines += [rng.choice(bank.EMAIL_GREETINGS), ""]
    for i, para in enumerate(letter.paragraphs):
        lines += [para, ""]
        if i == 0 and letter.invoice_lines:
            lines += _text_invoice(letter) + [""]
    lines += [rng.choice([letter.closing, rng.choice(bank.EMAIL_SIGNOFFS)]), ""]
    lines += letter.signature
    if letter.sender_kind in ("citizen", "agent"):
        lines += letter.sender_block[1:3]
    elif letter.footer:
        lines += ["", letter.footer]
    elif letter.siret:
        lines += [f"SIRET {letter.siret}"]
    return "\n".join(lines) + "\n"


def _text_invoice(letter: Letter) -> list[str]:
    sep = letter.invoice_sep
    rows = [f"{line.label} : {line.quantity:g} {line.unit} x {euros(line.unit_price, sep)}"
            f" = {euros(line.total_ht, sep)} HT (TVA {line.vat_rate:g} %)".replace(".", ",")
            for line in letter.invoice_lines]
    total_ht = sum(line.total_ht for line in letter.invoice_lines)
    rows += [f"Total HT : {euros(total_ht, sep)}",
             f"Total TTC : {euros(letter.amount_ttc or 0.0, sep)}"]
    return rows


def _html_body(text: str, charset: str) -> str:
    paras = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paras)
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"{charset}\"></head>\n"
            "<body style=\"font-family: Arial, sans-serif; font-size: 11pt\">\n"
            f"{body}\n</body></html>\n")


def _forward_block(letter: Letter, sender_email: str, when: dt.datetime, to: str) -> str:
    stamp = (f"{WEEKDAYS[when.weekday()]} {when.day} {MONTHS_ABBR[when.month - 1]} "
             f"{when.year} à {when:%H:%M}")
    return ("---------- Message transféré ----------\n"
            f"De : {letter.sender} <{sender_email}>\n"
            f"Date : {stamp}\n"
            f"Objet : {letter.email_subject}\n"
            f"À : {to}\n\n")


def build_email(letter: Letter, kind: str, rng: random.Random, bank: ModuleType,
                pdf: bytes | None = None) -> tuple[bytes, dict[str, object]]:
    """Return the .eml bytes and label fields (sender, sender_email, date, subject).

    Forwarded messages are labelled with the *original* writer, date and subject (the
    forwarding person is only the carrier).
    """
    mairie = bank.MAIRIE
    to_addr = _address(f"Mairie de {mairie['commune']}", mairie["email"])
    sender_email = letter.sender_email
    if sender_email is None:
        sender_email = f"courrier.{rng.randint(10, 99)}@{rng.choice(bank.EMAIL_DOMAINS)}"
    when = _paris_time(letter.date, rng)
    subject = letter.email_subject or "Courrier"
    charset = rng.choice(["utf-8", "utf-8", "iso-8859-1"])
    cte = rng.choice(["quoted-printable", "base64"])
    text = _text_body(letter, rng, bank)
    forwarded = kind in ("eml", "eml-html") and rng.random() < 0.3

    msg = EmailMessage(policy=policy.default)
    if forwarded:
        carrier_name, carrier_email = rng.choice(bank.FORWARDERS)
        orig_when = when
        when = orig_when + dt.timedelta(minutes=rng.randint(15, 1500))
        header_from = _address(carrier_name, carrier_email)
        header_subject = rng.choice(["TR: ", "Fwd: ", "Fw: "]) + subject
        text = (rng.choice(bank.FORWARD_NOTES) + "\n\n"
                + _forward_block(letter, sender_email, orig_when, str(to_addr)) + text)
        msg_domain = carrier_email.split("@")[1]
    else:
        header_from = _address(letter.sender, sender_email)
        header_subject = subject
        msg_domain = sender_email.split("@")[1]
    msg["From"] = header_from
    msg["To"] = to_addr
    msg["Subject"] = header_subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = _message_id(rng, when, msg_domain)
    msg["MIME-Version"] = "1.0"

    if charset == "iso-8859-1":
        text = latin1_safe(text)
    if kind == "eml-pdf-attachment":
        assert pdf is not None
        name = letter.attachment_name or f"{subject}.pdf"
        what = rng.choice(bank.ATTACH_WHAT).format(name=name.removesuffix(".pdf").lower())
        intro = rng.choice(bank.EMAIL_ATTACH_INTROS).format(what=what)
        short = intro + "\n" + "\n".join(letter.signature) + "\n"
        if charset == "iso-8859-1":
            short = latin1_safe(short)
        msg.set_content(short, charset=charset, cte=cte)
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
        msg.set_boundary(f"=_mixed_{rng.getrandbits(64):016x}")
    elif kind == "eml-html":
        msg.set_content(_html_body(text, charset), subtype="html", charset=charset, cte=cte)
    elif rng.random() < 0.4:
        msg.set_content(text, charset=charset, cte=cte)
        msg.add_alternative(_html_body(text, charset), subtype="html", charset=charset, cte=cte)
        msg.set_boundary(f"=_alt_{rng.getrandbits(64):016x}")
    else:
        msg.set_content(text, charset=charset, cte=cte)

    label = {"sender": letter.sender, "sender_email": sender_email,
             "date": letter.date.isoformat(), "subject": subject}
    return msg.as_bytes(policy=policy.default), label
