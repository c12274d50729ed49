"""First metadata of a letter from its text: sender, date, subject, references, SIRET, amount.

A mail agent reads the top of a letter: the sender block, the `place, le …` line, the
`Objet :` line. These heuristics do the same on extracted text; an email's own headers
come first where the body says nothing better.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

MONTHS = {
    "janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "decembre": 12, "décembre": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_WORDS = re.compile(
    rf"\b(?P<day>[0-3]?\d)(?:er)?\s+(?P<month>{_MONTH_NAMES})\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_DATE_DIGITS = re.compile(
    r"\b(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>(?:19|20)\d\d)\b")
# "Orléans, le 3 mars 2026", "Le 03/03/2026": the letter's own date line
_DATE_LINE = re.compile(r"(^|,)\s*le\s+\S", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(?:objet|concerne|sujet)\s*:?\s*(?P<subject>.+?)\s*$", re.IGNORECASE)
_FORWARDED = re.compile(r"message transf[ée]r[ée]|forwarded message", re.IGNORECASE)
_REFERENCES = [
    re.compile(r"\b(?:N|V)\s*/\s*R[ée]f\.?\s*:?\s*(?P<ref>[A-Z0-9][\w/.-]*\w)", re.IGNORECASE),
    re.compile(r"\bDossier\s+n[°o]\s*:?\s*(?P<ref>[A-Z0-9][\w/.-]*\w)", re.IGNORECASE),
    re.compile(r"\b(?P<ref>(?:PC|DP|CU|PA|PD)\s?\d{3}\s?\d{3}\s?\d{2}\s?[A-Z]\s?\d{4})\b"),
    re.compile(r"\b(?:Facture|Devis)\s+n[°o]\s*:?\s*(?P<ref>[A-Z0-9][\w/.-]*\w)", re.IGNORECASE),
]
_SIRET = re.compile(r"\bSIRET\s*:?\s*(?P<siret>(?:\d\s?){13}\d)\b", re.IGNORECASE)
_AMOUNT_TTC = re.compile(
    r"(?:total|montant|net)\s+(?:ttc|à payer|a payer)\s*:?\s*"
    r"(?P<amount>\d{1,3}(?:[ \u00a0\u202f.]?\d{3})*(?:,\d{2})?)\s*(?:€|eur)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RECIPIENT_LINE = re.compile(
    r"^(monsieur le maire|madame la maire|monsieur|madame|mairie\b|[àa] l'attention)",
    re.IGNORECASE)


@dataclass
class LetterMetadata:
    sender: str | None = None
    sender_email: str | None = None
    date: str | None = None
    subject: str | None = None
    references: list[str] = field(default_factory=list)
    siret: str | None = None
    amount_ttc: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def extract_metadata(text: str, email: dict[str, Any] | None = None) -> LetterMetadata:
    """Metadata of one letter from its text; `email` holds the headers of an .eml."""
    lines = [line.strip() for line in text.splitlines()]
    found = LetterMetadata(
        date=letter_date(lines),
        subject=subject_line(lines),
        references=references(text),
        siret=siret(text),
        amount_ttc=amount_ttc(text),
    )
    if email:
        forwarded = _FORWARDED.search(text) is not None
        found.sender_email = email.get("from_address")
        found.sender = email.get("from_name") or email.get("from_address")
        found.subject = found.subject or _clean_email_subject(email.get("subject"))
        if not found.date or not forwarded:
            header_date = (email.get("date") or "")[:10]
            found.date = header_date or found.date
    else:
        found.sender = sender_block(lines)
        emails = _EMAIL.findall(text)
        found.sender_email = emails[0] if emails else None
    return found


def letter_date(lines: list[str]) -> str | None:
    """The letter's own date: a `…, le <date>` line near the top, else the first date."""
    candidates = []
    for number, line in enumerate(lines[:60]):
        parsed = parse_french_date(line)
        if parsed:
            candidates.append((0 if _DATE_LINE.search(line) else 1, number, parsed))
    if not candidates:
        return None
    return min(candidates)[2]


def parse_french_date(text: str) -> str | None:
    """`3 mars 2026`, `1er avril 2026`, `03/03/2026` → `2026-03-03`."""
    for pattern in (_DATE_WORDS, _DATE_DIGITS):
        match = pattern.search(text)
        if not match:
            continue
        month_text = match["month"].lower()
        month = MONTHS.get(month_text) if not month_text.isdigit() else int(month_text)
        try:
            return date(int(match["year"]), month or 0, int(match["day"])).isoformat()
        except ValueError:
            continue
    return None


def subject_line(lines: list[str]) -> str | None:
    for line in lines:
        match = _SUBJECT.match(line)
        if match and len(match["subject"]) > 2:
            return match["subject"]
    return None


def references(text: str) -> list[str]:
    found: list[str] = []
    for pattern in _REFERENCES:
        for match in pattern.finditer(text):
            ref = re.sub(r"\s+", " ", match["ref"]).strip()
            if ref not in found:
                found.append(ref)
    return found


def siret(text: str) -> str | None:
    for match in _SIRET.finditer(text):
        digits = re.sub(r"\D", "", match["siret"])
        if len(digits) == 14 and luhn_valid(digits):
            return digits
    return None


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def amount_ttc(text: str) -> float | None:
    matches = list(_AMOUNT_TTC.finditer(text))
    if not matches:
        return None
    raw = re.sub(r"[ \u00a0\u202f.]", "", matches[-1]["amount"]).replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def sender_block(lines: list[str]) -> str | None:
    """The first line of the letter that is not the recipient block or a date line."""
    for line in lines[:15]:
        if len(line) < 3 or _RECIPIENT_LINE.match(line) or parse_french_date(line):
            continue
        if _SUBJECT.match(line) or any(ch.isdigit() for ch in line[:5]):
            continue
        return line
    return None


def _clean_email_subject(subject: str | None) -> str | None:
    if not subject:
        return None
    return re.sub(r"^\s*((re|tr|fw|fwd)\s*:\s*)+", "", subject, flags=re.IGNORECASE) or None
