"""The sender directory: the correspondents a mail agent knows, and who wrote each letter.

Contacts come from the config (`[[contacts]]`: préfecture, trésorerie, regular suppliers…),
from an agent (`courrier contacts add`), or are learned from the letters themselves. A
letter's sender is matched on the most certain evidence it gives:

1. its SIRET, or the SIREN that starts it (another establishment of the same company);
2. its e-mail address;
3. its e-mail domain, only against the domains a curated contact declares as its own;
4. its name, fuzzily (rapidfuzz on case- and accent-folded words), against every name and
   alias;
5. its address, fuzzily and within the same postcode, against curated contacts only.

A sender that matches nothing and has a usable name becomes a `learned` contact, without a
default service, so that its next letter matches it. Curated contacts (`config`, `manual`)
may carry a default service, which routing weighs as one more signal.

Functions taking a `sqlite_utils.Database` run inside the caller's write transaction (the
register's, see `Register.transaction`); they never commit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import sqlite_utils
from rapidfuzz import fuzz, process

from pipeline.clock import utc_now
from pipeline.errors import CourrierError
from pipeline.folding import fold
from pipeline.identifiers import company_numbers, email_domain, normalise_email, valid_siret

if TYPE_CHECKING:
    from pipeline.config import ContactSeed

CURATED = ("config", "manual")
SOURCES = (*CURATED, "learned")

# Scores are rapidfuzz's, 0–100. A curated contact's name may sit inside a longer sender
# line ("ENEDIS Direction régionale Centre" for "Enedis"), so it is compared as a token
# set. A learned contact is often a person, and two people may differ by one short word
# (Jean and Jeanne Martin score 92): it needs an almost identical name.
CURATED_NAME_THRESHOLD = 88.0
LEARNED_NAME_THRESHOLD = 95.0
# Every word of the contact's name must be in the sender's, give or take OCR noise:
# "Garonrie" for "Garonne" scores 80, "Lot" for "Loiret" 67.
WORD_THRESHOLD = 80.0
ADDRESS_THRESHOLD = 90.0
# candidates looked at per name, best first, before the word-by-word check
_CANDIDATES = 5

# articles, civilities and legal forms say nothing about who wrote
_NOISE_WORDS = frozenset({
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur",
    "m", "mme", "mlle", "mr", "monsieur", "madame", "mademoiselle", "me", "maitre", "dr",
    "sarl", "sas", "sasu", "sa", "eurl", "sci", "scp", "snc", "selarl", "ei", "eirl", "scop",
    "gaec", "ste", "societe", "ets", "etablissements", "entreprise",
})
_POSTCODE = re.compile(r"\b\d{5}\b")
_ADDRESS_LINE = re.compile(r"^\s*(?:\d|bp\b|cs\b)", re.IGNORECASE)
# a second word of a sender's name looks for learned contacts from this length on
_KEY_WORD_LENGTH = 6
# learned contacts last: a curated contact wins a tie
_PREFERENCE = "ORDER BY source = 'learned', letters DESC, id"


def _scope(commune: str | None) -> tuple[str, tuple[str, ...]]:
    """SQL condition for the contacts of `commune` and the shared ones (any when None)."""
    return ("(commune IS NULL OR commune = ?)", (commune,)) if commune else ("1", ())


class ContactError(CourrierError):
    """A contact an agent asked for cannot be added or found."""


@dataclass(frozen=True)
class Contact:
    """One correspondent of the directory (a row of `contacts`)."""

    id: int
    name: str
    source: str
    commune: str | None = None
    config_key: str | None = None
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()
    siret: str | None = None
    siren: str | None = None
    address: str | None = None
    service: str | None = None
    letters: int = 0
    created_at: str | None = None
    updated_at: str | None = None
    last_letter_at: str | None = None

    @property
    def curated(self) -> bool:
        """Declared by a person (config or agent), not learned from a letter."""
        return self.source in CURATED

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Contact:
        values = {f.name: row[f.name] for f in fields(cls)}
        for key in ("aliases", "emails", "email_domains"):
            values[key] = tuple(json.loads(row[key] or "[]"))
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
                for f in fields(self)}


@dataclass(frozen=True)
class Sender:
    """What a letter says about who wrote it."""

    name: str | None = None
    email: str | None = None
    siret: str | None = None
    address: str | None = None

    @classmethod
    def from_fields(cls, found: dict[str, Any]) -> Sender:
        """From the extraction's fields (`sender`, `sender_email`, `siret`, `sender_address`)."""
        return cls(name=found.get("sender"), email=found.get("sender_email"),
                   siret=found.get("siret"), address=found.get("sender_address"))


@dataclass(frozen=True)
class ContactMatch:
    """The contact a sender was matched to, how, and how closely (0–100)."""

    contact: Contact
    how: str  # siret | siren | email | email-domain | name | address | new
    matched: str  # the value of the letter that matched
    score: float = 100.0

    def describe(self) -> str:
        if self.how == "new":
            return f"new contact {self.contact.name!r} (#{self.contact.id})"
        return (f"{self.contact.name} (#{self.contact.id}, {self.how} {self.matched!r}, "
                f"score {self.score:.0f})")

    def item_fields(self) -> dict[str, Any]:
        """What the register keeps about the match on the item."""
        return {
            "contact_id": self.contact.id,
            "contact_name": self.contact.name,
            "contact_match": json.dumps({"how": self.how, "matched": self.matched,
                                         "score": round(self.score, 1)}, ensure_ascii=False),
        }


@dataclass
class SeedReport:
    """What refreshing the directory from the config changed, by contact id (config key)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    promoted: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.promoted or self.retired)

    def __str__(self) -> str:
        parts = [f"{name} {', '.join(keys)}" for name, keys in (
            ("added", self.added), ("updated", self.updated),
            ("promoted from learned", self.promoted), ("retired", self.retired)) if keys]
        return "; ".join(parts) or "unchanged"


# --- names and addresses ------------------------------------------------------------------

def name_words(name: str) -> list[str]:
    """The words of a name that tell who it is: folded, without articles, civilities and
    legal forms (`SARL Dupont & Fils` → `dupont fils`)."""
    return [w for w in fold(name).replace("'", " ").split() if w not in _NOISE_WORDS]


def usable_name(name: str | None) -> bool:
    """Whether a sender's name is worth a learned contact: real words, not an address, a
    number or a line of OCR noise."""
    if not name or "@" in name or len(name) > 80 or _ADDRESS_LINE.match(name):
        return False
    words = name_words(name)
    real = [w for w in words if w.isalpha() and len(w) >= 2]
    return 0 < len(words) <= 10 and len("".join(real)) >= 3 and len(real) * 2 >= len(words)


def _words_found(wanted: Sequence[str], words: Sequence[str]) -> bool:
    return all(any(fuzz.ratio(w, candidate) >= WORD_THRESHOLD for candidate in words)
               for w in wanted)


def name_score(sender_name: str, contact_name: str, curated: bool) -> float:
    """How well a letter's sender name matches one name of a contact (0–100).

    Every word of the contact's name must appear in the sender's (OCR noise allowed): a
    shared "Préfecture" does not make the préfecture of another département match.
    """
    sender_words, contact_words = name_words(sender_name), name_words(contact_name)
    if not sender_words or not contact_words or not _words_found(contact_words, sender_words):
        return 0.0
    scorer = fuzz.token_set_ratio if curated else fuzz.token_sort_ratio
    return scorer(" ".join(sender_words), " ".join(contact_words))


def best_name_match(contacts: Sequence[Contact], name: str | None,
                    strict: bool = False) -> ContactMatch | None:
    """The contact whose name or alias is closest to `name`, above its threshold. `strict`
    holds every contact to the learned contacts' near-identity (no name inside a longer one)."""
    if not name or not name_words(name):
        return None
    best: ContactMatch | None = None
    for curated in (True, False):
        lenient = curated and not strict
        threshold = CURATED_NAME_THRESHOLD if lenient else LEARNED_NAME_THRESHOLD
        scorer = fuzz.token_set_ratio if lenient else fuzz.token_sort_ratio
        choices = {(n, i): " ".join(name_words(alias))
                   for n, contact in enumerate(contacts) if contact.curated == curated
                   for i, alias in enumerate(contact.names)}
        # rapidfuzz shortlists quickly; the word-by-word check then rules out look-alikes
        for _, _, (n, i) in process.extract(" ".join(name_words(name)), choices, scorer=scorer,
                                            score_cutoff=threshold, limit=_CANDIDATES):
            contact = contacts[n]
            score = name_score(name, contact.names[i], lenient)
            if score >= threshold and (best is None or score > best.score):
                best = ContactMatch(contact, "name", name, score)
    return best


def address_score(sender_address: str, contact_address: str) -> float:
    """How well two postal addresses match (0–100); 0 unless they share their postcode."""
    postcodes = set(_POSTCODE.findall(contact_address))
    if not postcodes or not postcodes & set(_POSTCODE.findall(sender_address)):
        return 0.0
    sender_words, contact_words = fold(sender_address).split(), fold(contact_address).split()
    # a lone "1" (Cedex 1) is too easily lost or misread to be required
    if not _words_found([w for w in contact_words if len(w) > 1], sender_words):
        return 0.0
    return fuzz.token_set_ratio(" ".join(sender_words), " ".join(contact_words))


def best_address_match(contacts: Sequence[Contact], address: str | None) -> ContactMatch | None:
    """The one curated contact at `address`; None when none is, or when several share it
    (a cité administrative): an address alone cannot tell them apart."""
    if not address:
        return None
    found = [(score, contact) for contact in contacts if contact.curated and contact.address
             and (score := address_score(address, contact.address)) >= ADDRESS_THRESHOLD]
    if len(found) != 1:
        return None
    score, contact = found[0]
    return ContactMatch(contact, "address", address, score)


# --- matching against the directory -------------------------------------------------------

def contacts_in_scope(db: sqlite_utils.Database, commune: str | None,
                      name: str | None) -> list[Contact]:
    """The contacts a letter of `commune` signed `name` may come from, among its own and the
    shared ones: every declared contact, and the learned ones sharing a long word of the name.

    Learned contacts grow with every new correspondent (thousands in a year); loading them
    all for each letter made the register node's time per letter grow with its history.
    Their names never change once learned, so a folded copy (`name_key`) filters them in
    SQL; a learned contact must match a name almost exactly anyway.
    """
    where, params = _scope(commune)
    # its longest word (a surname, a company's name), or its next longest if that is long
    # enough not to be a first name shared by half the directory
    longest = sorted(set(name_words(name or "")), key=len, reverse=True)[:2]
    words = [w for n, w in enumerate(longest) if n == 0 or len(w) >= _KEY_WORD_LENGTH]
    shares_word = " OR ".join("name_key LIKE ?" for _ in words) or "0"
    return [Contact.from_row(row) for row in db.query(
        f"SELECT * FROM contacts WHERE {where} AND (source != 'learned' OR {shares_word}) "
        f"{_PREFERENCE}", (*params, *(f"% {_escape_like(w)} %" for w in words)))]


def name_key(name: str) -> str:
    """The folded words of a learned contact's name, padded so that LIKE '% word %' finds a
    whole word."""
    return f" {' '.join(name_words(name))} "


def _escape_like(word: str) -> str:
    return word.replace("\\", "").replace("%", "").replace("_", "")


def match_sender(db: sqlite_utils.Database, commune: str | None,
                 sender: Sender) -> ContactMatch | None:
    """The directory's contact for `sender`, on the most certain evidence; None if unknown."""
    siret = valid_siret(sender.siret)  # a misread number could name another company
    match = ((_by_company_number(db, commune, siret) if siret else None)
             or _by_email(db, commune, sender.email) or _by_email_domain(db, commune, sender.email))
    if match:
        return match
    contacts = contacts_in_scope(db, commune, sender.name)
    return best_name_match(contacts, sender.name) or best_address_match(contacts, sender.address)


def _by_company_number(db: sqlite_utils.Database, commune: str | None,
                       number: str) -> ContactMatch | None:
    """By SIRET (14 digits), else by the SIREN that starts it; by SIREN (9 digits)."""
    where, params = _scope(commune)
    rows = [Contact.from_row(row) for row in db.query(
        f"SELECT * FROM contacts WHERE siren = ? AND {where} {_PREFERENCE}",
        (number[:9], *params))]
    exact = [contact for contact in rows if contact.siret == number]
    if exact:
        return ContactMatch(exact[0], "siret", number)
    return ContactMatch(rows[0], "siren", number) if rows else None


def _valid_email(email: str | None) -> str | None:
    """The address in its normal form, None when it is not a valid address."""
    try:
        return normalise_email(email or "")
    except ValueError:
        return None


def _by_email(db: sqlite_utils.Database, commune: str | None,
              email: str | None) -> ContactMatch | None:
    email = _valid_email(email)
    if email is None:
        return None
    where, params = _scope(commune)
    row = next(db.query(
        f"SELECT * FROM contacts WHERE EXISTS (SELECT 1 FROM json_each(contacts.emails) "
        f"WHERE value = ?) AND {where} {_PREFERENCE} LIMIT 1", (email, *params)), None)
    return ContactMatch(Contact.from_row(row), "email", email) if row else None


def _by_email_domain(db: sqlite_utils.Database, commune: str | None,
                     email: str | None) -> ContactMatch | None:
    """The curated contact that declares the address's domain as its own (`email_domains`)."""
    email = _valid_email(email)
    if email is None:
        return None
    where, params = _scope(commune)
    owners = [Contact.from_row(row) for row in db.query(
        f"SELECT * FROM contacts WHERE source IN ('config', 'manual') AND EXISTS (SELECT 1 "
        f"FROM json_each(contacts.email_domains) WHERE value = ?) AND {where}",
        (email_domain(email), *params))]
    # a domain two contacts claim tells neither apart; a sure domain is not a sure person
    return ContactMatch(owners[0], "email-domain", email, 95.0) if len(owners) == 1 else None


def identify_sender(db: sqlite_utils.Database, commune: str, sender: Sender,
                    previous_contact: int | None = None) -> ContactMatch | None:
    """Match a letter's sender to the directory, adding it as a learned contact when it is
    unknown and has a usable name, and count the letter; None when nothing is known.

    `previous_contact` is the item's link before (a letter read again after a release): the
    letter moves from that contact's count to the new one's, and is never counted twice.
    """
    match = match_sender(db, commune, sender)
    if match is None:
        if not usable_name(sender.name):
            return None
        assert sender.name is not None
        match = ContactMatch(learn_contact(db, commune, sender), "new", sender.name)
    elif not match.contact.curated:
        _complete(db, match.contact, sender)
    _count_letter(db, match.contact.id, previous_contact)
    return match


def learn_contact(db: sqlite_utils.Database, commune: str, sender: Sender) -> Contact:
    """A new `learned` contact (no default service) from what a letter says of its sender."""
    siret = valid_siret(sender.siret)
    now = utc_now()
    contact_id = db["contacts"].insert({
        "commune": commune, "name": " ".join((sender.name or "").split()),
        "name_key": name_key(sender.name or ""),
        "emails": json.dumps(_valid_emails([sender.email])), "siret": siret,
        "siren": siret[:9] if siret else None, "address": sender.address, "source": "learned",
        "letters": 0, "created_at": now, "updated_at": now,
    }).last_pk
    return get_contact(db, contact_id)


def _complete(db: sqlite_utils.Database, contact: Contact, sender: Sender) -> None:
    """Fill what a learned contact lacks from a letter that matched it; never overwrite."""
    changes: dict[str, Any] = {}
    emails = _valid_emails([*contact.emails, sender.email])
    if list(contact.emails) != emails:
        changes["emails"] = json.dumps(emails)
    siret = valid_siret(sender.siret)
    if siret and not contact.siren:
        changes.update(siret=siret, siren=siret[:9])
    if sender.address and not contact.address:
        changes["address"] = sender.address
    if changes:
        db["contacts"].update(contact.id, {**changes, "updated_at": utc_now()})


def _count_letter(db: sqlite_utils.Database, contact_id: int, previous: int | None) -> None:
    if previous == contact_id:
        return
    db.execute("UPDATE contacts SET letters = letters + 1, last_letter_at = ? WHERE id = ?",
               (utc_now(), contact_id))
    if previous is not None:
        db.execute("UPDATE contacts SET letters = max(letters - 1, 0) WHERE id = ?", (previous,))


def _valid_emails(candidates: Iterable[str | None]) -> list[str]:
    """The valid addresses among `candidates`, normalised, each once, in order."""
    return list(dict.fromkeys(e for e in map(_valid_email, candidates) if e is not None))


# --- the config's contacts ----------------------------------------------------------------

def refresh_config_contacts(db: sqlite_utils.Database,
                            seeds: Iterable[ContactSeed]) -> SeedReport:
    """Make the directory hold the config's `[[contacts]]`: add new entries, update changed
    ones, promote a learned contact the config now declares (keeping its letters), and turn
    entries removed from the config into learned contacts (their letters keep their link)."""
    report = SeedReport()
    seeds = list(seeds)
    for seed in seeds:
        _refresh_seed(db, seed, report)
    keys = [seed.key for seed in seeds]
    marks = ",".join("?" * len(keys))
    for row in list(db.query(
            f"SELECT id, config_key, name FROM contacts WHERE source = 'config' "
            f"AND config_key NOT IN ({marks})", keys)):
        db["contacts"].update(row["id"], {"source": "learned", "config_key": None,
                                          "service": None, "email_domains": "[]",
                                          "name_key": name_key(row["name"]),
                                          "updated_at": utc_now()})
        report.retired.append(row["config_key"])
    return report


def _seed_columns(seed: ContactSeed) -> dict[str, Any]:
    return {
        "config_key": seed.key, "commune": seed.commune, "name": seed.name,
        "aliases": json.dumps(list(seed.aliases), ensure_ascii=False),
        "emails": json.dumps(list(seed.emails)),
        "email_domains": json.dumps(list(seed.email_domains)),
        "siret": seed.siret, "siren": seed.siren, "address": seed.address,
        "service": seed.service, "source": "config",
    }


def _refresh_seed(db: sqlite_utils.Database, seed: ContactSeed, report: SeedReport) -> None:
    columns = _seed_columns(seed)
    now = utc_now()
    row = next(db.query("SELECT * FROM contacts WHERE config_key = ?", (seed.key,)), None)
    if row is not None:
        if any(row[key] != value for key, value in columns.items()):
            db["contacts"].update(row["id"], {**columns, "updated_at": now})
            report.updated.append(seed.key)
        return
    learned = _learned_twin(db, seed)
    if learned is not None:
        db["contacts"].update(learned.id, {**columns, "updated_at": now})
        report.promoted.append(seed.key)
        return
    db["contacts"].insert({**columns, "letters": 0, "created_at": now, "updated_at": now})
    report.added.append(seed.key)


def _learned_twin(db: sqlite_utils.Database, seed: ContactSeed) -> Contact | None:
    """The learned contact that is the same sender as a new config entry: same SIREN, or
    the same name once folded."""
    keys = {" ".join(name_words(name)) for name in (seed.name, *seed.aliases)}
    scope = "" if seed.commune is None else "AND commune = ?"
    rows = db.query(f"SELECT * FROM contacts WHERE source = 'learned' {scope} "
                    f"ORDER BY letters DESC, id", () if seed.commune is None else (seed.commune,))
    for contact in map(Contact.from_row, rows):
        if (seed.siren and contact.siren == seed.siren) or \
                " ".join(name_words(contact.name)) in keys:
            return contact
    return None


# --- agents' contacts ---------------------------------------------------------------------

def add_contact(db: sqlite_utils.Database, *, name: str, emails: Sequence[str] = (),
                siret: str | None = None, address: str | None = None,
                service: str | None = None, aliases: Sequence[str] = (),
                commune: str | None = None) -> tuple[Contact, bool]:
    """Declare a contact (`source` manual); (contact, True) when it upgrades the learned
    contact of the same sender, whose letters it keeps. ContactError when the input is
    wrong or a curated contact already stands for this sender."""
    name = " ".join(name.split())
    if not name_words(name):
        raise ContactError(f"contact name {name!r} has no word that tells who it is")
    try:
        siret_digits, siren = company_numbers(siret) if siret else (None, None)
        clean_emails = [normalise_email(e) for e in emails]
    except ValueError as exc:
        raise ContactError(str(exc)) from None
    known = _already_known(db, commune, name, clean_emails, siret_digits or siren)
    if known is not None and known.contact.curated:
        raise ContactError(f"already in the directory: {known.describe()}; "
                           f"see `courrier contacts show {known.contact.id}`")
    columns = {
        "commune": commune, "name": name, "source": "manual", "service": service,
        "aliases": json.dumps(list(dict.fromkeys(a.strip() for a in aliases if a.strip())),
                              ensure_ascii=False),
        "emails": json.dumps(clean_emails), "siret": siret_digits, "siren": siren,
        "address": address, "updated_at": utc_now(),
    }
    if known is not None:
        return _upgrade_learned(db, known.contact, columns), True
    contact_id = db["contacts"].insert({**columns, "letters": 0,
                                        "created_at": columns["updated_at"]}).last_pk
    return get_contact(db, contact_id), False


def _upgrade_learned(db: sqlite_utils.Database, learned: Contact,
                     columns: dict[str, Any]) -> Contact:
    """A learned contact becomes the declared one; what the letters taught it is kept."""
    # the name the letters gave stays findable as an alias
    aliases = [a for a in dict.fromkeys([*json.loads(columns["aliases"]), learned.name])
               if a != columns["name"]]
    emails = _valid_emails([*json.loads(columns["emails"]), *learned.emails])
    columns = {**columns, "aliases": json.dumps(aliases, ensure_ascii=False),
               "emails": json.dumps(emails), "address": columns["address"] or learned.address}
    if not columns["siren"]:
        columns.update(siret=learned.siret, siren=learned.siren)
    db["contacts"].update(learned.id, columns)
    return get_contact(db, learned.id)


def _already_known(db: sqlite_utils.Database, commune: str | None, name: str,
                   emails: Sequence[str], number: str | None) -> ContactMatch | None:
    """The contact that stands for the sender an agent declares: same SIRET/SIREN, same
    e-mail address, or an almost identical name (another service of one body is no twin)."""
    by_number = _by_company_number(db, commune, number) if number else None
    by_email = next(filter(None, (_by_email(db, commune, e) for e in emails)), None)
    return by_number or by_email or best_name_match(contacts_in_scope(db, commune, name), name,
                                                    strict=True)


# --- reads ----------------------------------------------------------------------------------

def get_contact(db: sqlite_utils.Database, contact_id: int) -> Contact:
    return Contact.from_row(db["contacts"].get(contact_id))


def list_contacts(db: sqlite_utils.Database, commune: str | None = None,
                  source: str | None = None) -> list[Contact]:
    """Contacts (those of `commune` and the shared ones, when given), by source then name."""
    where, scope_params = _scope(commune)
    sql, params = f"SELECT * FROM contacts WHERE {where}", list(scope_params)
    if source:
        sql, params = sql + " AND source = ?", [*params, source]
    rows = db.query(sql + " ORDER BY source = 'learned', source, name COLLATE NOCASE", params)
    return [Contact.from_row(row) for row in rows]


def find_contact(db: sqlite_utils.Database, reference: str) -> Contact:
    """A contact by its id (`12`, `#12`), its config id, or its name (fuzzily)."""
    reference = reference.strip()
    if reference.lstrip("#").isdigit():
        row = next(db.query("SELECT * FROM contacts WHERE id = ?",
                            (int(reference.lstrip("#")),)), None)
    else:
        row = next(db.query("SELECT * FROM contacts WHERE config_key = ?", (reference,)), None)
    if row is not None:
        return Contact.from_row(row)
    everyone = [Contact.from_row(row) for row in db.query(f"SELECT * FROM contacts {_PREFERENCE}")]
    match = best_name_match(everyone, reference)
    if match is None:
        raise ContactError(f"no contact {reference!r} in the directory "
                           "(`courrier contacts list` shows them)")
    return match.contact


def contact_letters(db: sqlite_utils.Database, contact_id: int,
                    limit: int = 20) -> list[dict[str, Any]]:
    """The latest letters linked to a contact, newest first."""
    return list(db.query(
        "SELECT reg, commune, received_at, status, service, subject FROM items "
        "WHERE contact_id = ? ORDER BY id DESC LIMIT ?", (contact_id, limit)))
