"""References of a letter, as a mail agent copies them into the register.

The register keeps the reference *values* without their label, in order of appearance:
`N/Réf. : JD/2026-118` → `JD/2026-118`, `Facture n° FA-2026-0042` → `FA-2026-0042`.
Urbanism numbers keep their official shape with the type prefix (`PC 045 274 26 A0012`,
`IA 045 274 26 00012` for a DIA), whatever label precedes them. Only labelled values and
urbanism numbers count: "la concession n° 19" in a sentence is not a reference.
"""

from __future__ import annotations

import re

from pipeline.folding import fold

# Urbanism file numbers: type, département (3), commune INSEE (3), year (2), serial.
# OCR reads `0` as `O` inside them, so the digit class tolerates it and is normalised.
_D = r"[\dO]"
URBANISM = re.compile(
    rf"\b(?P<kind>PC|DP|CU|PA|PD|IA|AT)\s?(?P<dept>{_D}{{3}}|2[AB]{_D})\s?(?P<insee>{_D}{{3}})"
    rf"\s?(?P<year>{_D}{{2}})\s?(?P<serial>[A-Z]?\s?{_D}{{4,5}})\b")

# Labels after which a reference value follows; OCR reads `N/` as `N'` or `Nl`.
_LABELS = (
    r"(?:N|V|Nos|Vos|Notre|Votre)\s*[/'’l|I]?\s*(?:r[ée][f£]\w*|r[ée]f[ée]rences?)\.?(?:\s+dossier)?",
    r"R[ée]f[ée]rences?(?:\s+(?:dossier|client|[àa] rappeler))?",
    r"R[ée]f\.(?:\s+(?:dossier|client))?",
    r"(?:Dossier|Affaire)\s*(?:n[°o]|num[ée]ro|no\.?)",
    r"(?:N[°o]|Num[ée]ro)\s+(?:de\s+)?(?:dossier|famille|allocataire(?:\s+CAF)?|client|"
    r"d'allocataire|adh[ée]rent|contrat|unique|usager|commande|facture|devis)",
    r"(?:Facture|Devis|Avoir|Bon\s+de\s+commande|Commande|Contrat|DIA|D\.I\.A\.)\s*"
    r"(?:n[°o]|num[ée]ro|no\.?|N°)",
    r"(?:Permis\s+de\s+construire|D[ée]claration\s+pr[ée]alable|Certificat\s+d'urbanisme|"
    r"Permis\s+d'am[ée]nager|Permis\s+de\s+d[ée]molir|D[ée]claration\s+d'intention\s+"
    r"d'ali[ée]ner)\s*(?:n[°o]|num[ée]ro)",
)
_LABELLED = re.compile(
    r"(?<![\w/])(?:" + "|".join(_LABELS) + r")\s*[:.]?\s*(?P<value>[A-Z0-9][\w/.-]*[\w])",
    re.IGNORECASE)
# A bare `N° PC 045 …` is found by URBANISM itself.


def references(text: str) -> list[str]:
    """Reference values in order of appearance, each once (compared as the register does)."""
    spans: list[tuple[int, str]] = []
    urban_spans: list[tuple[int, int]] = []
    for match in URBANISM.finditer(text):
        spans.append((match.start(), _urbanism_value(match)))
        urban_spans.append((match.start(), match.end()))
    for match in _LABELLED.finditer(text):
        start = match.start("value")
        if any(a <= start < b for a, b in urban_spans):
            continue  # "Dossier n° PC 045 …": the urbanism number is already kept whole
        value = match["value"].rstrip(".-/")
        if not _plausible(value):
            continue
        spans.append((start, value))
    found: list[str] = []
    keys: set[str] = set()
    for _, value in sorted(spans):
        key = _key(value)
        if key not in keys:
            keys.add(key)
            found.append(value)
    return found


def _urbanism_value(match: re.Match[str]) -> str:
    """The official shape `PC 045 274 26 A0012`, with OCR `O`s in digit places read as 0."""
    def digits(part: str) -> str:
        return part.replace("O", "0")
    serial = match["serial"].replace(" ", "")
    serial = serial[0] + digits(serial[1:]) if serial[0].isalpha() else digits(serial)
    dept = match["dept"] if match["dept"].startswith("2") and match["dept"][1] in "AB" \
        else digits(match["dept"])
    return " ".join((match["kind"], dept, digits(match["insee"]), digits(match["year"]), serial))


def _plausible(value: str) -> bool:
    """A reference holds a digit and is not a lone word caught after a label."""
    if not any(ch.isdigit() for ch in value):
        return False
    # "Facture n° 12 du 3 mars": a bare 1–2 digit number is a line or page number.
    return not (value.isdigit() and len(value) < 3)


def _key(value: str) -> str:
    return fold(value).replace(" ", "")
