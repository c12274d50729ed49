"""First metadata of a letter from its text: sender, date, subject, references, SIRET, amount.

A mail agent reads the top of a letter: the sender block (before the "Monsieur le Maire /
Mairie de …" recipient block, left or right), the `place, le …` line, the `Objet :` line
and the reference lines; on an invoice, the `Total TTC` line and the footer with the
SIRET. These heuristics do the same on extracted text. For an e-mail, the headers speak
first, except for a forwarded message, whose original writer, date and subject are read
from the forwarded block (the forwarder only carries the mail).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from stdnum import iban as stdnum_iban
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from pipeline.folding import fold
from pipeline.metadata_dates import find_dates, parse_french_date, parse_header_date
from pipeline.metadata_refs import references

__all__ = ["LetterMetadata", "extract_metadata", "parse_french_date", "references"]

# Register columns: `as_dict()` returns exactly these, because the register stores the dict
# as columns and the delivery message schema lists them; extra findings stay attributes.
REGISTER_FIELDS = ("sender", "sender_email", "date", "subject", "references", "siret",
                   "amount_ttc")

_SUBJECT = re.compile(
    r"^\s*(?:objet|obiet|obj\.?|0bjet|concerne|sujet)(?:\s+d[ue]\s+(?:la\s+)?"
    r"(?:courrier|demande|lettre|message))?\s*[:;.–—-]\s*(?P<subject>.*?)\s*$",
    re.IGNORECASE)
# The subject label without a colon ("Objet Demande de …") is common in OCR output.
_SUBJECT_NO_COLON = re.compile(r"^\s*(?:objet|OBJET)\s+(?P<subject>[A-ZÀ-Ý].*?)\s*$")
_FORWARDED = re.compile(
    r"^[\s>-]*(?:-{2,}\s*)?(?:message transf[ée]r[ée]|forwarded message|original message|"
    r"message d'origine)\b", re.IGNORECASE | re.MULTILINE)
_HEADER_LINE = re.compile(
    r"^\s*>?\s*(?P<name>de|from|date|envoy[ée]|sent|objet|subject|[àa]|to|cc)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE)
_WEEKDAY_END = re.compile(r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s*$",
                          re.IGNORECASE)
# "Orléans, le" / "Fait à Blois, le" / "À Orléans, le" / "Angers, ce" / "Orléans," before a date.
_PLACE_PREFIX = re.compile(r"(?:fait\s+)?(?:[àa]\s+)?[^,.;:\d]{2,45},\s*(?:le|ce)?",
                           re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_FORWARD_PREFIX = re.compile(r"^\s*(?:(?:re|tr|fw|fwd|ref|transf[ée]r[ée])\s*:\s*)+",
                             re.IGNORECASE)

# Recipient block: the mairie, its mayor, "À l'attention de …".
_RECIPIENT = re.compile(
    r"^(?:(?:[àa]\s+)?(?:monsieur|madame)\s+(?:le|la)\s+(?:maire|pr[ée]sident)|mairie\b|"
    r"[àa] l.attention|services? .*mairie|madame,? monsieur|h[ôo]tel de ville|"
    r"commune de\b|mesdames(?:,| et) messieurs)",
    re.IGNORECASE)
_CIVILITY = re.compile(r"^(?:M\.|Mme|Mlle|Madame|Monsieur|Mr|Me|Maître|Dr)\s+\S", re.IGNORECASE)
_LEGAL_FORM = re.compile(
    r"^(?:SARL|SAS|SASU|SA|EURL|SCP|SCI|SELARL|SNC|EI|EIRL|SCOP|GAEC|Entreprise|Cabinet|"
    r"[ÉE]tude|Association|Asso\.?|Club|Comit[ée]|Amicale|Union|F[ée]d[ée]ration)\b")
_NOT_A_NAME = re.compile(
    r"(?:^(?:t[ée]l|fax|port|mob|e-?mail|courriel|mail|site|www|siret|siren|tva|n[°o]|"
    r"r[ée]f|v/|n/|bp|cs|cedex)\b)|@|\bhttps?:|^\d|\d{5}\b", re.IGNORECASE)
_FOOTER_NAME = re.compile(
    r"^(?P<name>.+?)\s+[–—-]\s+(?:capital|au capital|SIRET|SIREN|RCS)\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:t[ée]l[ée]?(?:phone)?\.?|portable|mobile)\s*:?\s*"
                    r"(?P<phone>(?:\+33\s?|0)[1-9](?:[\s.]?\d{2}){4})", re.IGNORECASE)
_POSTCODE_LINE = re.compile(r"^\d{5}\s+\S")

# Amounts: `1 234,56 €`, `1234,56 EUR`, OCR's `1 234,56 E` and `1.234,56 €`.
_AMOUNT = (r"(?P<amount>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+,\s?\d{2}|\d+,\s?\d{2}|"
           r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)")
_CURRENCY = r"\s*(?:€|EUR\b|euros?\b|E\b|e\b|\u20ac|C\b)"
# OCR reads the middle T of "TTC" as an I now and then ("Total TIC")
_TTC_LABEL = re.compile(
    r"(?:(?:montant\s*)?total\s*(?:g[ée]n[ée]ral\s*)?t\.?[ti]\.?c\.?(?:\s*[àa]\s*payer)?|"
    r"montant\s*t\.?t\.?c\.?|net\s*[àa]\s*payer(?:\s*t\.?t\.?c\.?)?|"
    r"total\s*[àa]\s*payer|montant\s*[àa]\s*payer|reste\s*[àa]\s*payer|solde\s*d[ûu]|"
    r"montant\s*d[ûu])\s*(?:\(?(?:€|eur|euros)\)?)?\s*[:.]?\s*" + _AMOUNT + f"(?:{_CURRENCY})?",
    re.IGNORECASE)
_AMOUNT_THEN_TTC = re.compile(_AMOUNT + _CURRENCY + r"\s*(?:\(\s*)?T\.?T\.?C\b", re.IGNORECASE)
# A payment reminder names the claimed sum without saying TTC.
_CLAIM = re.compile(
    r"(?:(?:montant|somme|solde|reliquat)\s+(?:total\s+)?(?:de|restant d[ûu] de)|"
    r"s'[ée]levant\s+[àa]|soit)\s+" + _AMOUNT + _CURRENCY, re.IGNORECASE)
# Only a letter about an unpaid invoice claims a sum: a grant "d'un montant de" is no claim.
_REMINDER = re.compile(
    r"\b(?:relance|impay[ée]e?s?|rappel\b|duplicata|retard de (?:paiement|r[èe]glement)|"
    r"mise en demeure|rest(?:e|ant) d[ûu]e?|non r[ée]gl[ée]e?|"
    r"toujours pas [ée]t[ée] r[ée]gl[ée]e?|en attente de (?:paiement|r[èe]glement))",
    re.IGNORECASE)
_INVOICE_WORD = re.compile(r"\bfactur", re.IGNORECASE)
_EUROS = re.compile(_AMOUNT + _CURRENCY, re.IGNORECASE)
# a company footer states its share capital in euros: no sum of the letter
_CAPITAL = re.compile(r"\bcapital\b", re.IGNORECASE)
_SIRET = re.compile(r"\bSIRE[TN]\b\s*(?:n[°o]\s*)?:?\s*(?P<digits>[\dO](?:[\s.]?[\dO]){8,13})",
                    re.IGNORECASE)
_VAT_NUMBER = re.compile(r"\bFR\s?[0-9A-Z]{2}\s?(?P<siren>\d{3}\s?\d{3}\s?\d{3})\b")
_IBAN = re.compile(r"\bFR\d{2}(?:\s?[\dA-Z]{4}){5}\s?[\dA-Z]{3}\b")


@dataclass
class LetterMetadata:
    """What a mail agent writes in the register for one letter, plus a few extra findings.

    `field_confidence` (0–1 per field) says how the value was found: a labelled line
    (`Objet :`, `Total TTC`) is trusted more than a fallback guess. It is not called
    `confidence` because the extraction result already has an OCR `confidence`.
    """

    sender: str | None = None
    sender_email: str | None = None
    date: str | None = None
    subject: str | None = None
    references: list[str] = field(default_factory=list)
    siret: str | None = None
    amount_ttc: float | None = None
    sender_address: str | None = None
    phone: str | None = None
    siren: str | None = None
    iban: str | None = None
    field_confidence: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The register fields only (the register and the delivery schema know these)."""
        return {name: value for name, value in asdict(self).items() if name in REGISTER_FIELDS}

    def details(self) -> dict[str, Any]:
        """Every field, including the extra findings and the per-field confidence."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def extract_metadata(text: str, email: dict[str, Any] | None = None) -> LetterMetadata:
    """Metadata of one letter from its text; `email` holds the headers of an .eml."""
    lines = [line.strip() for line in text.splitlines()]
    found = LetterMetadata(references=references(text))
    conf = found.field_confidence
    if found.references:
        conf["references"] = 0.8
    found.siret = siret(text)
    found.siren = siren(text, found.siret)
    found.iban = iban(text)
    found.amount_ttc, conf["amount_ttc"] = _amount_with_confidence(text)
    phone = _PHONE.search(text)
    found.phone = re.sub(r"\s+", " ", phone["phone"]) if phone else None
    if email:
        _from_email(found, text, lines, email)
    else:
        _from_letter(found, text, lines)
    return found


def _from_letter(found: LetterMetadata, text: str, lines: list[str]) -> None:
    """Paper letters and scans: sender block, date line, subject line."""
    conf = found.field_confidence
    found.date, conf["date"] = _letter_date_with_confidence(lines)
    found.subject = subject_line(lines)
    conf["subject"] = 0.9 if found.subject else 0.0
    block = _sender_block_lines(lines)
    found.sender, conf["sender"] = _sender_with_confidence(block, lines)
    address = [line for line in block if _POSTCODE_LINE.match(line) or re.match(r"^\d", line)]
    found.sender_address = ", ".join(address) or None
    emails = [e for e in _EMAIL.findall(text) if not e.lower().split("@")[1].startswith("mairie")]
    found.sender_email = emails[0] if emails else None


def _from_email(found: LetterMetadata, text: str, lines: list[str],
                email: dict[str, Any]) -> None:
    """E-mails: the headers, or the forwarded block's headers for a forwarded message."""
    conf = found.field_confidence
    found.sender_email = email.get("from_address")
    found.sender = email.get("from_name") or email.get("from_address")
    found.subject = clean_email_subject(email.get("subject"))
    found.date = (email.get("date") or "")[:10] or None
    conf.update(sender=0.9, subject=0.9, date=0.95)
    forwarded = forwarded_headers(text)
    if forwarded:
        name, address = forwarded.get("from", (None, None))
        found.sender = name or address or found.sender
        found.sender_email = address or found.sender_email
        found.subject = clean_email_subject(forwarded.get("subject")) or found.subject
        original_date = parse_header_date(forwarded.get("date", ""))
        found.date = original_date or found.date
        conf.update(sender=0.85, subject=0.85, date=0.9 if original_date else 0.4)
    if not found.subject:
        found.subject = subject_line(lines[5:])  # past the header summary
        conf["subject"] = 0.6 if found.subject else 0.0
    if not found.date:
        found.date, conf["date"] = _letter_date_with_confidence(lines)


def forwarded_headers(text: str) -> dict[str, Any]:
    """From/Date/Subject of the first forwarded block, or {} when nothing is forwarded.

    Mail clients print the quoted headers right after the marker line, each on its line,
    in French or in English; `from` is (display name, address).
    """
    marker = _FORWARDED.search(text)
    if not marker:
        return {}
    headers: dict[str, Any] = {}
    started = False
    for line in text[marker.end():].splitlines()[1:16]:
        match = _HEADER_LINE.match(line)
        if not match:
            if started and not line.strip():
                break  # the blank line after the quoted headers
            continue
        started = True
        name, value = fold(match["name"]), match["value"].strip()
        if name in ("de", "from") and "from" not in headers:
            headers["from"] = split_address(value)
        elif name in ("date", "envoye", "sent") and "date" not in headers:
            headers["date"] = value
        elif name in ("objet", "subject") and "subject" not in headers:
            headers["subject"] = value
    return headers


def split_address(value: str) -> tuple[str | None, str | None]:
    """`Mme Léa Chevalier <lea@x.fr>` → (`Mme Léa Chevalier`, `lea@x.fr`)."""
    address = _EMAIL.search(value)
    name = _EMAIL.sub("", value).replace("<", "").replace(">", "").replace("[mailto:]", "")
    name = name.strip(" \"'()[]") or None
    return name, address.group(0) if address else None


def clean_email_subject(subject: str | None) -> str | None:
    """An e-mail Subject without its `RE:` / `TR:` / `Fwd:` prefixes."""
    if not subject:
        return None
    return _FORWARD_PREFIX.sub("", subject).strip() or None


def letter_date(lines: list[str]) -> str | None:
    """The letter's own date: the `place, le <date>` line, else the first date near the top."""
    return _letter_date_with_confidence(lines)[0]


def _letter_date_with_confidence(lines: list[str]) -> tuple[str | None, float]:
    # The date line is short and is only the date, optionally after "Fait à X," / "X, le" /
    # "Le"; a date inside a sentence ("enregistrée depuis le 21 septembre") is not it.
    candidates: list[tuple[int, int, str]] = []
    for number, line in enumerate(lines[:80]):
        for start, end, iso in find_dates(line):
            before = line[:start].strip()
            after = line[end:].strip(" .")
            rank = 3
            if len(after) <= 2 and _is_date_line_prefix(before):
                rank = 0
            elif (re.search(r"(?:^|,)\s*(?:le|ce)\s*$", before, re.IGNORECASE)
                  or re.match(r"^(?:date|fait)\b", line, re.IGNORECASE)):
                rank = 1  # a dated line that says more than the date
            candidates.append((rank, number, iso))
    if not candidates:
        return None, 0.0
    rank, _, iso = min(candidates)
    return iso, {0: 0.95, 1: 0.8}.get(rank, 0.5)


def _is_date_line_prefix(before: str) -> bool:
    """Whether the text before a date is a date line's opening: ``, `Le`, `Orléans, le`,
    `Fait à Blois, le`, `Angers, ce mardi`."""
    before = _WEEKDAY_END.sub("", before).strip()
    if not before or fold(before) in ("le", "ce", "en date du", "date"):
        return True
    return bool(_PLACE_PREFIX.fullmatch(before))


def subject_line(lines: list[str]) -> str | None:
    """Text after `Objet :` / `Concerne :`, with a continuation line when it wraps."""
    for number, line in enumerate(lines):
        match = _SUBJECT.match(line) or _SUBJECT_NO_COLON.match(line)
        if not match:
            continue
        subject = match["subject"]
        following = next((nxt for nxt in lines[number + 1:number + 3] if nxt), "")
        if not subject and not _continues("de", following):
            continue  # a bare label followed by a salutation: no subject here
        if not subject:  # the label alone on its line, the subject below it
            subject, following = following, ""
        if subject and _continues(subject, following):
            subject = f"{subject} {following}"
        if len(subject) > 2:
            return subject
    return None


def _continues(subject: str, following: str) -> bool:
    """Whether the next line is the rest of a wrapped subject (not a salutation or a ref)."""
    if not following or _RECIPIENT.match(following) or _SUBJECT.match(following):
        return False
    if re.match(r"^(?:madame|monsieur|mesdames|messieurs|bonjour|cher|ch[èe]re|n/|v/|r[ée]f)",
                following, re.IGNORECASE):
        return False
    # A wrapped line starts in lower case, or the first line stops on a word that needs more.
    return following[0].islower() or bool(
        re.search(r"\b(?:de|du|des|la|le|les|et|à|au|aux|pour|en|sur|d'|l')$|[-–—,]$", subject))


def _sender_block_lines(lines: list[str]) -> list[str]:
    """Non-empty lines above the recipient block (the sender block, maybe a letterhead)."""
    block: list[str] = []
    for line in lines[:25]:
        if _RECIPIENT.match(line) or _SUBJECT.match(line):
            break
        if line:
            block.append(line)
    return block


def sender_block(lines: list[str]) -> str | None:
    """The sender's name from the lines above the recipient block."""
    return _sender_with_confidence(_sender_block_lines(lines), lines)[0]


def _sender_with_confidence(block: list[str], lines: list[str]) -> tuple[str | None, float]:
    names = [line for line in block if _looks_like_name(line)]
    # A letterhead often repeats the short name above "SARL Name": the legal form or the
    # civility tells which line a person would copy into the register.
    for line in names:
        if _LEGAL_FORM.match(line) or _CIVILITY.match(line):
            return _clean_name(line), 0.9
    footer = _footer_company(lines)
    if footer:
        return footer, 0.85
    if names:
        return _clean_name(names[0]), 0.7
    # No block above the recipient (sender block printed lower, e.g. right-aligned after
    # it in the text order): a civility line that is not the recipient.
    for line in lines[:40]:
        if _CIVILITY.match(line) and not _RECIPIENT.match(line) and _looks_like_name(line):
            return _clean_name(line), 0.5
    return None, 0.0


def _looks_like_name(line: str) -> bool:
    if len(line) < 3 or len(line) > 80 or _NOT_A_NAME.search(line):
        return False
    if find_dates(line) or line.endswith((",", ".")) and not line.endswith("associés."):
        return False
    return sum(ch.isalpha() for ch in line) >= 3


def _clean_name(line: str) -> str:
    # Two-column OCR can glue the right block to the left one with a wide gap.
    return re.split(r"\s{3,}", line.strip())[0]


def _footer_company(lines: list[str]) -> str | None:
    """`SARL X – capital 10 000 € – SIRET …` footers name the company exactly."""
    for line in reversed(lines):
        match = _FOOTER_NAME.match(line)
        if match:
            return match["name"].strip()
    return None


def _digits(raw: str) -> str:
    return re.sub(r"\D", "", raw.replace("O", "0"))


def siret(text: str) -> str | None:
    """The printed SIRET (14 digits, Luhn-valid via python-stdnum), else None."""
    for match in _SIRET.finditer(text):
        digits = _digits(match["digits"])[:14]
        if len(digits) == 14 and stdnum_siret.is_valid(digits):
            return digits
    return None


def siren(text: str, found_siret: str | None) -> str | None:
    """The SIREN: the first 9 digits of the SIRET, or of the French VAT number."""
    if found_siret:
        return found_siret[:9]
    for match in _VAT_NUMBER.finditer(text):
        digits = _digits(match["siren"])
        if stdnum_siren.is_valid(digits):
            return digits
    return None


def iban(text: str) -> str | None:
    """A French IBAN printed on an invoice, when its check digits are right."""
    for match in _IBAN.finditer(text):
        compact = re.sub(r"\s", "", match.group(0))
        if stdnum_iban.is_valid(compact):
            return stdnum_iban.format(compact)
    return None


def amount_ttc(text: str) -> float | None:
    """The total including VAT (or the sum claimed by a payment reminder), in euros."""
    return _amount_with_confidence(text)[0]


def _amount_with_confidence(text: str) -> tuple[float | None, float]:
    # The labelled total wins; the last one on the page, since a table ends with it.
    for pattern, confidence in ((_TTC_LABEL, 0.95), (_AMOUNT_THEN_TTC, 0.85)):
        values = [_to_float(m["amount"]) for m in pattern.finditer(text)]
        values = [v for v in values if v is not None]
        if values:
            return values[-1], confidence
    if _REMINDER.search(text) and _INVOICE_WORD.search(text):
        values = [_to_float(m["amount"]) for m in _CLAIM.finditer(text)]
        values = [v for v in values if v is not None]
        if values:
            return values[0], 0.6
        # "notre facture de 2 094,59 €", "la facture (735,61 €)": the one sum it states
        sums = {_to_float(m["amount"]) for line in text.splitlines()
                if not _CAPITAL.search(line) for m in _EUROS.finditer(line)} - {None}
        if len(sums) == 1:
            return sums.pop(), 0.5
    return None, 0.0


def _to_float(raw: str) -> float | None:
    compact = re.sub(r"[ \u00a0\u202f.]", "", raw).replace(",", ".")
    try:
        return float(compact)
    except ValueError:
        return None
