"""Shared vocabulary, formatting helpers and the ``Letter`` model of the sample corpus.

The service / document-type names here must match the pipeline configuration exactly,
so they are defined once and imported by the generator, the phrase banks and the tests.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

SERVICES: dict[str, list[str]] = {
    "etat-civil": [
        "demande-acte-etat-civil",
        "dossier-mariage",
        "pacs",
        "recensement-citoyen",
        "concession-cimetiere",
    ],
    "urbanisme": [
        "permis-construire",
        "declaration-prealable",
        "certificat-urbanisme",
        "dia",
        "cadastre",
    ],
    "finances": [
        "facture",
        "devis",
        "relance-paiement",
        "courrier-tresorerie",
        "notification-subvention",
    ],
    "ressources-humaines": ["candidature", "arret-maladie", "courrier-centre-gestion", "formation"],
    "services-techniques": ["signalement-voirie", "demande-intervention", "eclairage-public"],
    "affaires-scolaires": ["inscription-scolaire", "cantine", "periscolaire"],
    "action-sociale": ["aide-sociale", "demande-logement"],
    "secretariat-general": [
        "courrier-prefecture",
        "invitation",
        "demande-subvention",
        "courrier-elu",
    ],
    "triage": ["autre"],
}

DOC_TYPE_SERVICE: dict[str, str] = {
    doc: service for service, docs in SERVICES.items() for doc in docs
}

FORMAT_KINDS: dict[str, list[str]] = {
    "scan": ["png", "jpeg", "tiff", "pdf-scan"],
    "pdf": ["pdf"],
    "email": ["eml", "eml-pdf-attachment", "eml-html"],
}

LABEL_KEYS: tuple[str, ...] = (
    "file",
    "format",
    "kind",
    "service",
    "doc_type",
    "sender",
    "sender_email",
    "date",
    "subject",
    "references",
    "siret",
    "amount_ttc",
    "pages",
)

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

# Thousands separators seen in real French documents: narrow no-break space (typographic
# norm), plain no-break space (word processors) and a normal space (typed by hand).
THOUSANDS_SEPARATORS = ("\u202f", "\u00a0", " ")


def long_date(day: dt.date) -> str:
    """Return ``day`` written the French way, e.g. ``1er avril 2026`` or ``3 mars 2026``."""
    num = "1er" if day.day == 1 else str(day.day)
    return f"{num} {MONTHS[day.month - 1]} {day.year}"


def place_date_line(day: dt.date, town: str, style: int) -> str:
    """Format the place-and-date line of a letter in one of several house styles."""
    styles = [
        f"{town}, le {long_date(day)}",
        f"Le {day:%d/%m/%Y}",
        long_date(day),
        f"le {long_date(day)}",
        f"À {town}, le {day:%d/%m/%Y}",
        f"{town}, {long_date(day)}",
        f"Fait à {town}, le {long_date(day)}",
    ]
    return styles[style % len(styles)]


def euros(amount: float, sep: str = "\u202f", symbol: bool = True) -> str:
    """Format an amount like ``1 234,56 €`` with ``sep`` as thousands separator."""
    cents = round(amount * 100)
    units, frac = divmod(abs(cents), 100)
    groups = f"{units:,}".replace(",", sep)
    text = f"{'-' if cents < 0 else ''}{groups},{frac:02d}"
    return f"{text}\u00a0€" if symbol else text


def luhn_ok(digits: str) -> bool:
    """Return True when ``digits`` passes the Luhn check used by SIREN/SIRET numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _luhn_complete(prefix: str) -> str:
    """Append the digit that makes ``prefix`` + digit Luhn-valid."""
    for last in "0123456789":
        if luhn_ok(prefix + last):
            return prefix + last
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def make_siret(rng: random.Random) -> str:
    """Draw a 14-digit SIRET whose SIREN part and whole number are both Luhn-valid."""
    siren = _luhn_complete(str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=7)))
    nic = f"{rng.randint(1, 99):04d}"
    return _luhn_complete(siren + nic)


def spaced_siret(siret: str) -> str:
    """Print a SIRET as on letterheads: ``123 456 789 00012``."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


@dataclass
class InvoiceLine:
    """One row of an invoice or quote table."""

    label: str
    quantity: float
    unit: str
    unit_price: float
    vat_rate: float  # percent, e.g. 20.0 or 5.5

    @property
    def total_ht(self) -> float:
        """Line total before tax, rounded to the cent as accounting software does."""
        return round(self.quantity * self.unit_price, 2)


@dataclass
class Letter:
    """Everything needed to render one incoming letter and to write its label."""

    doc_type: str
    service: str
    sender: str
    sender_kind: str
    sender_email: str | None
    sender_block: list[str]
    recipient_block: list[str]
    date: dt.date
    place_date: str
    subject: str | None
    subject_label: str
    ref_lines: list[str]
    references: list[str]
    salutation: str
    paragraphs: list[str]
    closing: str
    signature: list[str]
    letterhead: str | None = None
    footer: str | None = None
    siret: str | None = None
    amount_ttc: float | None = None
    invoice_title: str | None = None
    invoice_lines: list[InvoiceLine] = field(default_factory=list)
    invoice_sep: str = "\u00a0"
    annex_title: str | None = None
    annex: list[str] = field(default_factory=list)
    attachment_name: str | None = None
    email_subject: str | None = None
    layout: dict[str, object] = field(default_factory=dict)
