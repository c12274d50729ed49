"""French (and e-mail client) dates as a mail agent reads them, to ISO `YYYY-MM-DD`.

Letters write `3 mars 2026`, `1er avril 2026` or `03/03/2026`; forwarded e-mails quote the
original Date in the client's style (`mar. 7 janv. 2025 à 15:35`, `Tue, 7 Jan 2025 …`,
`Tuesday, January 7, 2025`). OCR sometimes reads `1er` as `ler` and `0` as `O`.
"""

from __future__ import annotations

import email.utils
import re
from datetime import date

from pipeline.folding import fold

# Folded month names and the abbreviations mail clients print (`janv.`, `sept.`, `Jan`).
MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# Matched on folded text (no accents, lower case, punctuation as spaces).
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>[0-3]?[0-9o]|ler)(?: ?er)? (?P<month>{_MONTH_NAMES}) "
    rf"(?P<year>(?:19|20)[0-9o]{{2}})\b")
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES}) (?P<day>[0-3]?[0-9]) (?P<year>(?:19|20)[0-9]{{2}})\b")
# Matched on raw text: the separators are what tells a date from other numbers.
_DIGITS = re.compile(
    r"(?<![\d/.-])(?P<day>[0-3]?[\dO])\s?[/.-]\s?(?P<month>[01]?[\dO])\s?[/.-]\s?"
    r"(?P<year>(?:19|20)[\dO]{2})(?![\d/])")


def _number(text: str) -> int:
    """Digits of an OCR'd number where `O`/`o` stand for zero and `ler` for `1er`."""
    if text == "ler":
        return 1
    return int(text.replace("O", "0").replace("o", "0"))


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """All dates in one line as (start, end, ISO) spans of the folded or raw text.

    Positions are only used to know how much of the line the date covers, so folded and raw
    positions are mixed knowingly: folding keeps lengths close enough for that purpose.
    """
    found: list[tuple[int, int, str]] = []
    folded = fold(text)
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(folded):
            iso = _iso(_number(match["year"]), MONTHS[match["month"]], _number(match["day"]))
            if iso:
                found.append((match.start(), match.end(), iso))
    for match in _DIGITS.finditer(text):
        iso = _iso(_number(match["year"]), _number(match["month"]), _number(match["day"]))
        if iso:
            found.append((match.start(), match.end(), iso))
    return sorted(found)


def parse_french_date(text: str) -> str | None:
    """The first date of `text`: `3 mars 2026`, `1er avril 2026`, `03/03/2026` → ISO."""
    dates = find_dates(text)
    return dates[0][2] if dates else None


def parse_header_date(text: str) -> str | None:
    """Date of a quoted e-mail header, in French, English or RFC 5322 form → ISO date.

    The local date is kept as written: the label is what the reader sees, not UTC.
    """
    found = parse_french_date(text)
    if found:
        return found
    try:
        parsed = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat() if parsed else None
