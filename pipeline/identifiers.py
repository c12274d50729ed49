"""A sender's identifiers, normalised and checked: SIRET/SIREN numbers, e-mail addresses and
e-mail domains. Shared by the config (declared contacts) and the sender directory."""

from __future__ import annotations

import re

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# Mailbox providers: an address there says who the person is, its domain says nothing
# about the organisation they write for.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com",
    "outlook.fr", "outlook.com", "live.fr", "live.com", "msn.com", "icloud.com", "me.com",
    "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net", "bbox.fr",
    "aliceadsl.fr", "numericable.fr", "club-internet.fr", "gmx.fr", "gmx.com", "aol.com",
    "protonmail.com", "proton.me", "yopmail.com",
})
_EMAIL = re.compile(r"^[\w.+'-]+@(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


def company_numbers(value: str) -> tuple[str | None, str]:
    """(SIRET or None, SIREN) from a printed SIRET (14 digits) or SIREN (9 digits).

    Raises ValueError when the number has the wrong length or fails its check digit.
    """
    digits = re.sub(r"[\s.]", "", str(value))
    if len(digits) == 14:
        if not stdnum_siret.is_valid(digits):
            raise ValueError(f"SIRET {value!r} is not valid (wrong check digit)")
        return digits, digits[:9]
    if len(digits) == 9:
        if not stdnum_siren.is_valid(digits):
            raise ValueError(f"SIREN {value!r} is not valid (wrong check digit)")
        return None, digits
    raise ValueError(f"{value!r} is neither a SIRET (14 digits) nor a SIREN (9 digits)")


def valid_siret(value: str | None) -> str | None:
    """The SIRET's 14 digits when `value` is a valid SIRET, else None (e.g. an OCR misread)."""
    if not value:
        return None
    try:
        siret, _ = company_numbers(value)
    except ValueError:
        return None
    return siret


def normalise_email(value: str) -> str:
    """`Jean.Dupont@Example.FR ` → `jean.dupont@example.fr`; ValueError when not an address."""
    email = str(value).strip().lower()
    if not _EMAIL.match(email):
        raise ValueError(f"{value!r} is not an e-mail address")
    return email


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def normalise_domain(value: str) -> str:
    """An organisation's own e-mail domain; ValueError for a mailbox provider's domain."""
    domain = str(value).strip().lower().removeprefix("@")
    if not _DOMAIN.match(domain):
        raise ValueError(f"{value!r} is not an e-mail domain")
    if domain in PUBLIC_MAIL_DOMAINS:
        raise ValueError(f"{domain!r} is a public mailbox provider: it does not identify an "
                         "organisation (list exact addresses in `emails` instead)")
    return domain
