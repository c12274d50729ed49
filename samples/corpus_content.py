"""Turn a phrase bank and a random generator into a fully specified ``Letter``.

The bank (``corpus_banks``, ``corpus_validation`` or ``corpus_heldout``) provides wording,
names and places; this module provides the mechanics they share: senders, references,
amounts, dates.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from types import ModuleType

from samples.corpus_common import (
    DOC_TYPE_SERVICE,
    MONTHS,
    InvoiceLine,
    Letter,
    euros,
    long_date,
    make_siret,
    place_date_line,
    spaced_siret,
)

DATE_START = dt.date(2025, 1, 6)
DATE_END = dt.date(2026, 12, 18)

TRAININGS = ["Accueil du public en mairie", "Gestion des conflits", "Les actes d'état civil",
             "Habilitation électrique", "Conduite d'engins de chantier"]
CLASSES = ["CP", "CE1", "CE2", "CM1", "CM2", "moyenne section", "grande section"]
PROJECTS_COMMUNE = ["la rénovation énergétique de l'école", "la réfection de la voirie communale",
                    "l'aménagement d'une aire de jeux", "la mise en accessibilité de la mairie"]


def _ascii(text: str) -> str:
    """Strip accents and spaces to build plausible e-mail local parts and domains."""
    norm = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in norm if c.isalnum() and c.isascii())
    return kept.lower()


def _rand_date(rng: random.Random, start: dt.date = DATE_START, end: dt.date = DATE_END) -> dt.date:
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    # Administrative mail is written on working days.
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _person(rng: random.Random, bank: ModuleType) -> tuple[str, str, str]:
    """Return (civility, first name, last name)."""
    if rng.random() < 0.5:
        return "Mme", rng.choice(bank.FIRST_F), rng.choice(bank.LAST)
    return "M.", rng.choice(bank.FIRST_M), rng.choice(bank.LAST)


def _phone(rng: random.Random) -> str:
    return "0" + str(rng.choice([2, 6, 7])) + "".join(
        f" {rng.randint(0, 99):02d}" for _ in range(4)
    )


def _reference(kind: str, rng: random.Random, bank: ModuleType, day: dt.date,
               initials: str) -> tuple[str, str]:
    """Return (printed line, reference value) for one reference kind."""
    yy = day.year % 100
    dept, insee = bank.MAIRIE["dept"], bank.MAIRIE["insee"]
    if kind == "nref":
        value = f"{initials}/{day.year}-{rng.randint(12, 480)}"
        return rng.choice(["N/Réf. : ", "N/Réf. ", "Nos réf. : "]) + value, value
    if kind == "vref":
        value = f"{rng.choice(['AB', 'MD', 'SG', 'CR'])}/{rng.randint(10, 99)}"
        return "V/Réf. : " + value, value
    if kind == "dossier":
        value = f"{day.year}-{rng.randint(1, 2999):04d}"
        return rng.choice(["Dossier n° ", "Dossier n°", "Affaire n° "]) + value, value
    if kind in ("pc", "dp", "cu"):
        letter = {"pc": "A", "dp": "B", "cu": rng.choice(["A", "B"])}[kind]
        value = f"{kind.upper()} {dept} {insee} {yy:02d} {letter}{rng.randint(1, 150):04d}"
        label = {"pc": "Permis de construire n° ", "dp": "Déclaration préalable n° ",
                 "cu": "Certificat d'urbanisme n° "}[kind]
        return rng.choice([label, "Dossier n° ", "N° "]) + value, value
    if kind == "dia":
        value = f"IA {dept} {insee} {yy:02d} {rng.randint(1, 200):05d}"
        return "DIA n° " + value, value
    if kind == "facture":
        value = f"{rng.choice(['FA', 'F', 'FAC'])}-{day.year}-{rng.randint(1, 999):04d}"
        return "Facture n° " + value, value
    if kind == "devis":
        value = f"{rng.choice(['DE', 'DV', 'D'])}-{day.year}-{rng.randint(1, 300):03d}"
        return "Devis n° " + value, value
    if kind == "commande":
        value = f"BC{day.year}{rng.randint(1, 400):04d}"
        return "Bon de commande n° " + value, value
    if kind == "famille":
        value = f"FAM{rng.randint(100, 2999)}"
        return "N° de famille : " + value, value
    if kind == "allocataire":
        value = f"{rng.randint(1000000, 9999999)}"
        return "N° allocataire CAF : " + value, value
    if kind == "nun":
        value = f"{dept}{yy:02d}{rng.randint(10, 12):02d}{rng.randint(100000, 999999)}"
        return "Numéro unique : " + value, value
    raise ValueError(f"unknown reference kind {kind!r}")


def _invoice_lines(rng: random.Random, bank: ModuleType, trade: str) -> list[InvoiceLine]:
    items = rng.sample(bank.CATALOGUE[trade], k=min(len(bank.CATALOGUE[trade]), rng.randint(2, 5)))
    lines = []
    for label, unit, (low, high), vat in items:
        qty = rng.choice([1, 1, 2, 3, 4, 5, 8, 10, 12, 25, 120, 340]) if unit != "forfait" else 1
        price = round(rng.uniform(low, high), 2)
        lines.append(InvoiceLine(label, qty, unit, price, vat))
    return lines


def _invoice_total(lines: list[InvoiceLine]) -> float:
    ht = sum(line.total_ht for line in lines)
    vat = sum(round(line.total_ht * line.vat_rate / 100, 2) for line in lines)
    return round(ht + vat, 2)


def build_letter(rng: random.Random, bank: ModuleType, spec_key: str,
                 long: bool | None = None) -> Letter:
    """Draw one letter of kind ``spec_key`` (a doc type, or ``autre:<variant>``).

    ``long`` forces (True) or forbids (False) a multi-page dossier; None lets the spec and
    chance decide.
    """
    spec = bank.DOCS[spec_key]
    doc_type = spec_key.split(":")[0]
    service = DOC_TYPE_SERVICE[doc_type]
    mairie = bank.MAIRIE
    mayor = bank.MAYOR
    day = _rand_date(rng)
    civ, first, last = _person(rng, bank)
    town, postcode = rng.choice(bank.PLACES)
    street = f"{rng.randint(1, 148)} {rng.choice(bank.STREETS)}"
    kind = spec["sender"]
    siret = None
    letterhead = footer = None
    email_domain = rng.choice(bank.EMAIL_DOMAINS)
    initials = (first[0] + last[0]).upper()
    signature: list[str]
    trade = ""

    if kind in ("citizen", "agent"):
        sender = f"{civ} {first} {last}"
        block = [f"{civ} {first} {last}".replace("Mme ", rng.choice(["Mme ", "Madame "]))
                 if rng.random() < 0.3 else sender, street, f"{postcode} {town}"]
        if rng.random() < 0.4:
            block.append(f"Tél. : {_phone(rng)}")
        sep = rng.choice([".", "_", ""])
        suffix = rng.choice(["", "45", "72", "1980"])
        email = f"{_ascii(first)}{sep}{_ascii(last)}{suffix}@{email_domain}"
        signature = [f"{first} {last}"]
        pro = False
    elif kind == "company" or kind == "notaire":
        if kind == "company":
            trade = rng.choice(sorted(bank.COMPANIES))
            if spec.get("invoice") or doc_type == "relance-paiement":
                trade = rng.choice([t for t in sorted(bank.COMPANIES) if t in bank.CATALOGUE])
            form, name = rng.choice(bank.COMPANIES[trade])
            sender = f"{form} {name}"
        else:
            form, name, town = rng.choice(bank.NOTAIRES)
            postcode = dict(bank.PLACES).get(town, postcode)
            sender = f"{form} {name}"
        siret = make_siret(rng)
        letterhead = sender if rng.random() < 0.5 else name
        block = [sender, street, f"{postcode} {town}"]
        mailbox = rng.choice(["contact", "compta", "secretariat", "facturation"])
        email = f"{mailbox}@{_ascii(name)[:18]}.fr"
        capital = rng.choice(["7 500", "10 000", "40 000", "150 000"])
        footer = (f"{sender} – capital {capital} € – SIRET {spaced_siret(siret)} – "
                  f"TVA FR{rng.randint(10, 99)}{siret[:9]}")
        signer = f"{first} {last}"
        signature = [signer, rng.choice(["Gérant", "Service comptabilité", "Directeur", "Notaire"
                                         if kind == "notaire" else "Responsable commercial"])]
        pro = True
    elif kind.startswith("public:"):
        body = bank.PUBLIC[kind.split(":")[1]]
        sender = body["name"]
        town = body["town"]
        block = [body["name"], body["dept"], *body["lines"]]
        letterhead = body["name"]
        email = f"{rng.choice(['courrier', 'secretariat', 'contact'])}@{body['domain']}"
        signature = [*body["signer"], f"{first} {last}"]
        pro = True
    elif kind == "asso":
        name = rng.choice(bank.ASSOCIATIONS)
        sender = name
        block = [name, street, f"{postcode} {town}"]
        letterhead = name if rng.random() < 0.5 else None
        email = f"{_ascii(name.split()[-1])[:14]}.asso@{email_domain}"
        role = rng.choice(["Président(e)", "Le président", "La trésorière"])
        signature = [f"{first} {last}", role]
        if rng.random() < 0.4:
            siret = make_siret(rng)
            block.append(f"SIRET {siret}")
        pro = True
    elif kind == "elu":
        sender, title = rng.choice(bank.ELUS)
        block = [sender, title, f"{postcode} {town}"]
        email = f"{_ascii(sender.split()[1])}.{_ascii(sender.split()[-1])}@{email_domain}"
        signature = [sender.split(" ", 1)[1], title]
        pro = False
    else:
        raise ValueError(f"unknown sender kind {kind!r}")

    if rng.random() < 0.15 and kind in ("citizen", "agent"):
        email = None  # many paper letters carry no e-mail address

    d1 = _rand_date(rng, day - dt.timedelta(days=200), day + dt.timedelta(days=120))
    d2 = d1 + dt.timedelta(days=rng.randint(5, 40))
    refs_printed: list[str] = []
    refs: list[str] = []
    for ref_kind in spec.get("refs", []):
        if ref_kind in ("facture", "devis", "pc", "dp", "cu", "dia") or rng.random() < 0.6:
            line, value = _reference(ref_kind, rng, bank, day, initials)
            refs_printed.append(line)
            refs.append(value)
    if pro and rng.random() < 0.2:
        line, value = _reference("vref", rng, bank, day, initials)
        refs_printed.append(line)
        refs.append(value)

    invoice_lines: list[InvoiceLine] = []
    amount_ttc = None
    amount = round(rng.uniform(80, 4800), 2)
    sep = rng.choice(bank.THOUSANDS_SEPARATORS) if hasattr(bank, "THOUSANDS_SEPARATORS") else " "
    if spec.get("invoice"):
        invoice_lines = _invoice_lines(rng, bank, trade)
        amount_ttc = _invoice_total(invoice_lines)
    elif spec.get("amount"):
        amount_ttc = amount
    spouse_civ, spouse_first, spouse_last = _person(rng, bank)
    ctx = {
        "commune": mairie["commune"],
        "mayor": mayor,
        "date1": long_date(d1),
        "date2": long_date(d2),
        "deceased": " ".join(_person(rng, bank)),
        "phone": _phone(rng),
        "person": f"{first} {last}",
        "person_client": " ".join(_person(rng, bank)),
        "buyer": " ".join(_person(rng, bank)),
        "spouse": f"{spouse_first} {spouse_last}",
        "witness1": " ".join(_person(rng, bank)[1:]),
        "witness2": " ".join(_person(rng, bank)[1:]),
        "agent": " ".join(_person(rng, bank)),
        "child": rng.choice(bank.CHILD_NAMES),
        "child_class": rng.choice(CLASSES),
        "school": rng.choice(bank.SCHOOLS),
        "n": str(rng.randint(2, 240)),
        "ref": refs[0] if refs else f"{day.year}-{rng.randint(10, 99)}",
        "project": rng.choice(bank.PROJECTS),
        "project_commune": rng.choice(PROJECTS_COMMUNE),
        "parcel": f"{rng.choice(['AB', 'ZC', 'B', 'AK', 'ZD'])} {rng.randint(12, 640)}",
        "street_issue": rng.choice(bank.STREETS),
        "surface": str(rng.randint(18, 160)),
        "price": euros(rng.randint(95, 420) * 1000, sep),
        "month": MONTHS[day.month - 1],
        "amount": euros(amount_ttc if amount_ttc is not None else amount, sep),
        "year": str(day.year),
        "year_prev": str(day.year - 1),
        "job": rng.choice(bank.JOBS),
        "training": rng.choice(TRAININGS),
        "event": rng.choice(bank.EVENTS),
    }

    subject_tpl = rng.choice(spec["subjects"])
    subject = subject_tpl.format_map(ctx) if subject_tpl else None
    subject_label = rng.choice(bank.SUBJECT_LABELS)
    if subject_label is None:
        subject = None
    paragraphs = []
    for i, group in enumerate(spec["paras"]):
        if i > 0 and rng.random() < 0.2:
            continue
        paragraphs.append(rng.choice(group).format_map(ctx))
    if doc_type != "autre" and kind in ("citizen", "agent") and rng.random() < 0.35:
        # A sentence from another service's vocabulary keeps keyword matching honest.
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(bank.DISTRACTORS))
    closing = rng.choice(bank.PRO_CLOSINGS if pro else bank.CLOSINGS).format_map(ctx)
    salutation = rng.choice(bank.SALUTATIONS).format_map(ctx)

    if long is None:
        long = bool(spec.get("long")) and rng.random() < 0.5
    annex_title = None
    annex: list[str] = []
    if long:
        annex_title = rng.choice(bank.ANNEX_TITLES)
        pool = [p for group in spec["paras"] for p in group]
        count = min(len(bank.ANNEX_LINES), rng.randint(4, 8))
        annex = [line.format_map(ctx) for line in rng.sample(bank.ANNEX_LINES, k=count)]
        annex += [p.format_map(ctx) for p in rng.sample(pool, k=min(3, len(pool)))]

    town_line = mairie["commune"].upper() if rng.random() < 0.3 else mairie["commune"]
    recipient = [mayor, f"Mairie de {mairie['commune']}", mairie["address"],
                 f"{mairie['postcode']} {town_line}"]
    if rng.random() < 0.3:
        recipient = [f"À l'attention de {mayor}", *recipient[1:]]

    attachment = spec.get("attachment")
    if attachment:
        attachment = attachment.format_map(ctx)
    layout = dict(rng.choice(bank.LAYOUTS))
    return Letter(
        doc_type=doc_type,
        service=service,
        sender=sender,
        sender_kind=kind,
        sender_email=email,
        sender_block=block,
        recipient_block=recipient,
        date=day,
        place_date=place_date_line(day, town, rng.randrange(7)),
        subject=subject,
        subject_label=subject_label or "",
        ref_lines=refs_printed,
        references=refs,
        salutation=salutation,
        paragraphs=paragraphs,
        closing=closing,
        signature=signature,
        letterhead=letterhead,
        footer=footer,
        siret=siret,
        amount_ttc=amount_ttc,
        invoice_title=("FACTURE" if doc_type == "facture" else "DEVIS") if invoice_lines else None,
        invoice_lines=invoice_lines,
        invoice_sep=sep,
        annex_title=annex_title,
        annex=annex,
        attachment_name=attachment,
        email_subject=subject or rng.choice([s for s in spec["subjects"] if s]).format_map(ctx),
        layout=layout,
    )



