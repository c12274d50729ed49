"""Metadata extraction on small hand-written French letters and e-mails (no OCR, fast)."""

from __future__ import annotations

import pytest

from pipeline.metadata import extract_metadata, forwarded_headers
from pipeline.metadata_dates import parse_french_date, parse_header_date

LETTER = """Mme Claire Dubois
12 rue des Lilas
45000 Orléans
Tél. : 06 12 34 56 78
claire.dubois@example.fr

Monsieur le Maire
Mairie de Saint-Denis-en-Val
35 rue de Sandillon
45560 SAINT-DENIS-EN-VAL

Orléans, le 1er avril 2026

N/Réf. : CD/2026-118
Objet : Demande d'autorisation de stationnement pour le
déménagement du 15 avril

Monsieur le Maire,

Ma demande a été déposée le 3 mars 2026 ; la concession n° 19 n'est pas concernée.

Veuillez agréer, Monsieur le Maire, mes salutations distinguées.

Claire Dubois
"""

INVOICE = """Électricité Lemaire
SARL Électricité Lemaire
4 rue du Bourg
45160 Olivet

Monsieur le Maire
Mairie de Saint-Denis-en-Val

Olivet, le 03/03/2026

FACTURE
Facture n° FA-2026-0042
Devis n° DE-2026-017
Désignation Qté Unité PU HT TVA Total HT
Remplacement lanterne LED 4 u 450,64 € 20 % 1 802,56 €
Total HT 1 802,56 €
TVA 20 % 360,51 €
Total TTC 2 163,07 €

SARL Électricité Lemaire – capital 10 000 € – SIRET 732 829 320 00074 – TVA FR44732829320
IBAN : FR76 3000 6000 0112 3456 7890 189
"""

FORWARDED = """De : Secrétariat de mairie <secretariat@mairie-exemple.fr>
À : Mairie <accueil@mairie-exemple.fr>
Date : Wed, 08 Jan 2025 13:14:00 +0100
Objet : TR: Limite de propriété – parcelle AB 145

Je vous transfère ce message reçu ce matin.

---------- Message transféré ----------
De : Mme Léa Chevalier <lea.chevalier@example.fr>
Date : mar. 7 janv. 2025 à 15:35
Objet : Limite de propriété – parcelle AB 145
À : Mairie <accueil@mairie-exemple.fr>

Bonjour Monsieur le Maire,

Je souhaiterais obtenir un extrait du plan cadastral.

Léa Chevalier
"""

FORWARDED_HEADERS = {
    "from_name": "Secrétariat de mairie", "from_address": "secretariat@mairie-exemple.fr",
    "subject": "TR: Limite de propriété – parcelle AB 145",
    "date": "2025-01-08T13:14:00+01:00", "message_id": "<x@y>", "attachments": (),
}


def test_letter_fields() -> None:
    found = extract_metadata(LETTER, None)
    assert found.sender == "Mme Claire Dubois"
    assert found.sender_email == "claire.dubois@example.fr"
    assert found.date == "2026-04-01"  # the date line, not the body's 3 mars
    assert found.subject == ("Demande d'autorisation de stationnement pour le "
                             "déménagement du 15 avril")
    assert found.references == ["CD/2026-118"]  # "concession n° 19" is not a reference
    assert found.siret is None and found.amount_ttc is None
    assert found.phone == "06 12 34 56 78"
    assert found.sender_address == "12 rue des Lilas, 45000 Orléans"
    assert found.field_confidence["date"] > 0.9


def test_register_dict_keeps_the_register_fields_only() -> None:
    # the register stores as_dict() as columns: extra findings must not leak into it
    assert set(extract_metadata(LETTER, None).as_dict()) == {
        "sender", "sender_email", "date", "subject", "references", "siret", "amount_ttc"}
    assert "field_confidence" in extract_metadata(LETTER, None).details()


def test_invoice_total_siret_and_references() -> None:
    found = extract_metadata(INVOICE, None)
    assert found.sender == "SARL Électricité Lemaire"  # legal form beats the letterhead
    assert found.date == "2026-03-03"
    assert found.amount_ttc == pytest.approx(2163.07)  # not the HT total, not a line
    assert found.siret == "73282932000074"
    assert found.siren == "732829320"
    assert found.iban == "FR76 3000 6000 0112 3456 7890 189"
    assert found.references == ["FA-2026-0042", "DE-2026-017"]
    assert found.subject is None


def test_luhn_invalid_siret_is_ignored() -> None:
    text = INVOICE.replace("732 829 320 00074", "732 829 320 00075")
    found = extract_metadata(text, None)
    assert found.siret is None
    assert found.siren == "732829320"  # still read from the VAT number


@pytest.mark.parametrize("line, amount", [
    ("Total TTC : 1 234,56 E", 1234.56),        # OCR read € as E
    ("TOTAL T.T.C. 1.234,56 €", 1234.56),
    ("Net à payer : 12 480,00 EUR", 12480.0),
    ("Montant total TTC 99,90 euros", 99.9),
    ("Total TIC 2 519,20 €", 2519.2),           # OCR read the middle T as I
])
def test_amount_ttc_in_french_and_ocr_forms(line: str, amount: float) -> None:
    text = f"SAS Bureau Plus\n\nMonsieur le Maire\n\nTotal HT 1 000,00 €\n{line}\n"
    assert extract_metadata(text, None).amount_ttc == pytest.approx(amount)


def test_reminder_amount_without_ttc_label_and_grant_amount_ignored() -> None:
    reminder = ("SAS Bureau Plus\n\nMonsieur le Maire\n\nObjet : Relance facture F-2025-0616\n"
                "Notre facture reste impayée à ce jour pour un montant de 3 181,48 €.\n")
    assert extract_metadata(reminder, None).amount_ttc == pytest.approx(3181.48)
    grant = ("Conseil départemental du Loiret\n\nMonsieur le Maire\n\n"
             "La commission a attribué une subvention d'un montant de 2 917,31 €.\n")
    assert extract_metadata(grant, None).amount_ttc is None


@pytest.mark.parametrize("sentence, amount", [
    ("Notre facture de 2 094,59 € reste impayée.", 2094.59),
    ("La facture FA-12 (735,61 €) attend toujours son règlement, c'est un rappel.", 735.61),
    ("La facture ne vous est pas parvenue : en voici un duplicata, pour un montant de "
     "3 582,97 €.", 3582.97),
    # two sums and none named as the claim: which one is owed is a person's reading
    ("Relance : la facture de 120,00 € et l'avoir de 20,00 € restent non réglés.", None),
])
def test_reminder_states_its_one_sum_without_naming_it(sentence: str, amount: float | None
                                                       ) -> None:
    text = (f"SARL Voirie Ouest\n\nMonsieur le Maire\n\n{sentence}\n\n"
            "SARL Voirie Ouest – capital 7 500 € – SIRET 471 982 926 00977\n")
    assert extract_metadata(text, None).amount_ttc == (pytest.approx(amount) if amount else None)


def test_right_aligned_sender_block() -> None:
    text = """                                              Association Les Amis du Val
                                              8 place de l'Église
                                              45560 Saint-Denis-en-Val

Madame la Maire
Mairie de Saint-Denis-en-Val

                                          Saint-Denis-en-Val, le 12 mai 2026

Concerne : Demande de salle
"""
    found = extract_metadata(text, None)
    assert found.sender == "Association Les Amis du Val"
    assert found.date == "2026-05-12"
    assert found.subject == "Demande de salle"


def test_two_column_ocr_line_keeps_the_left_name() -> None:
    text = "M. Paul Martin        Ville d'Orléans\n3 rue Haute\n\nMonsieur le Maire\n"
    assert extract_metadata(text, None).sender == "M. Paul Martin"


def test_forwarded_email_reports_the_original_writer() -> None:
    found = extract_metadata(FORWARDED, FORWARDED_HEADERS)
    assert found.sender == "Mme Léa Chevalier"
    assert found.sender_email == "lea.chevalier@example.fr"
    assert found.date == "2025-01-07"
    assert found.subject == "Limite de propriété – parcelle AB 145"


def test_english_forwarded_block() -> None:
    text = ("Voir ci-dessous.\n\n---------- Forwarded message ---------\n"
            "From: Jean Petit <jean.petit@example.com>\nDate: Tue, 7 Jan 2025 15:35:00 +0100\n"
            "Subject: Re: Voirie\nTo: mairie@example.fr\n\nBonjour,\n")
    headers = forwarded_headers(text)
    assert headers["from"] == ("Jean Petit", "jean.petit@example.com")
    assert parse_header_date(headers["date"]) == "2025-01-07"
    found = extract_metadata(text, {**FORWARDED_HEADERS, "subject": "Fwd: Re: Voirie"})
    assert found.subject == "Voirie"


def test_plain_email_uses_headers_and_strips_reply_prefixes() -> None:
    headers = {"from_name": "M. Jean Petit", "from_address": "jean.petit@example.com",
               "subject": "RE: Fwd: Inscription cantine", "date": "2026-02-10T09:00:00+01:00"}
    text = "De : M. Jean Petit <jean.petit@example.com>\nObjet : RE: Fwd: Inscription cantine\n\n" \
           "Bonjour, la rentrée du 2 mars 2026 approche.\n"
    found = extract_metadata(text, headers)
    assert (found.sender, found.sender_email) == ("M. Jean Petit", "jean.petit@example.com")
    assert found.subject == "Inscription cantine"
    assert found.date == "2026-02-10"  # the Date header, not a date of the body


def test_references_urbanism_shapes_and_labels() -> None:
    text = """Dossier n° PC 045 274 26 A0012
Déclaration préalable n° DP 045 274 26 B0003
DIA n° IA 045 274 26 00012
N° allocataire CAF : 1502641
N° de famille : FAM229
V/Réf. : MD/87
VIRéf. : SG/92
Numéro unique : 0452611355223
Bon de commande n° BC20260307
N° CU O45 274 25 A0141
"""
    assert extract_metadata(text, None).references == [
        "PC 045 274 26 A0012", "DP 045 274 26 B0003", "IA 045 274 26 00012", "1502641",
        "FAM229", "MD/87", "SG/92", "0452611355223", "BC20260307", "CU 045 274 25 A0141"]


@pytest.mark.parametrize("text, expected", [
    ("Orléans, le 3 mars 2026", "2026-03-03"),
    ("Le 03/03/2026", "2026-03-03"),
    ("le 1er avril 2026", "2026-04-01"),
    ("Fait à Blois, le 21 décembre 2025", "2025-12-21"),
    ("mar. 7 janv. 2025 à 15:35", "2025-01-07"),
    ("le 31 février 2026", None),
])
def test_french_dates(text: str, expected: str | None) -> None:
    assert parse_french_date(text) == expected


def test_date_line_beats_an_earlier_body_date() -> None:
    text = ("M. Paul Martin\n\nMonsieur le Maire\n\nSuite à notre échange du 2 février 2026,\n"
            "Angers, le mardi 10 février 2026\n")
    assert extract_metadata(text, None).date == "2026-02-10"


def test_subject_label_alone_on_its_line() -> None:
    text = "M. Paul Martin\n\nMonsieur le Maire\n\nObjet :\nDemande de raccordement\n\nMonsieur,"
    assert extract_metadata(text, None).subject == "Demande de raccordement"


@pytest.mark.parametrize("line, subject", [
    ("Objet – Déclaration de vacance d'emploi – enregistrement",
     "Déclaration de vacance d'emploi – enregistrement"),
    ("Objet — pacs", "pacs"),
    ("Objet - Echéance dépassée au 21 août 2025", "Echéance dépassée au 21 août 2025"),
    ("Sujet : Haie qui déborde", "Haie qui déborde"),
])
def test_subject_label_with_a_dash_or_another_word(line: str, subject: str) -> None:
    text = f"M. Paul Martin\n\nMonsieur le Maire\n\n{line}\n\nMonsieur,"
    assert extract_metadata(text, None).subject == subject
