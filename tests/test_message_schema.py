"""The messages services receive and send match `docs/message-schema.json`, the contract
that lets a service consume from any AMQP client in any language."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.messages import delivery, receipt, with_document, withdrawal
from pipeline.store import DocumentStore

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "message-schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture
def made(tmp_path: Path) -> tuple[dict, dict, DocumentStore]:
    store = DocumentStore(tmp_path / "store")
    document = tmp_path / "lettre.pdf"
    document.write_bytes(b"%PDF-1.4 a letter")
    sha256, _ = store.put_file(document)
    item = {"id": 7, "reg": "2026-000007", "commune": "saint-aubin", "source": "scan",
            "filename": "lettre.pdf", "sha256": sha256, "doc_type": "facture",
            "sender": "SARL Bâtiments Loiret", "sender_email": None, "date": "2026-03-03",
            "subject": "Facture de mars", "refs": '["FA-2026-0042"]', "siret": "73282932000074",
            "amount_ttc": 1234.56, "pages": 1, "confidence": None,
            "received_at": "2026-03-03T09:14:07.123456Z", "contact_id": 3,
            "contact_name": "SARL Bâtiments Loiret", "service": "finances",
            "contact_match": '{"how": "siret", "matched": "73282932000074", "score": 100.0}'}
    decision = {"service": "finances", "copies": [], "explanation": "doc type facture"}
    body = delivery(item, decision, "finances", "traitement", "2026-03-03T09:14:08.000001Z")
    return with_document({**body, "msg_id": "7:deliver:finances"}, store), item, store


@pytest.fixture
def sent(made) -> dict:
    return made[0]


def test_a_delivery_matches_the_schema(sent: dict) -> None:
    jsonschema.validate(sent, SCHEMA)
    assert "attach_sha256" not in sent
    assert sent["contact"] == {"id": 3, "name": "SARL Bâtiments Loiret", "match": {
        "how": "siret", "matched": "73282932000074", "score": 100.0}}


def test_a_letter_without_a_known_sender_has_no_contact(made) -> None:
    _, item, _ = made
    body = delivery({**item, "contact_id": None, "contact_name": None, "contact_match": None},
                    {"explanation": "x"}, "finances", "traitement", "2026-03-03T09:14:08Z")
    assert body["contact"] is None


def test_a_withdrawal_matches_the_schema(made) -> None:
    _, item, store = made
    body = withdrawal(item, "services-techniques", "travaux de voirie",
                      "2026-03-04T08:00:00.000000Z")
    sent = with_document({**body, "msg_id": "7:deliver:finances:2"}, store)
    jsonschema.validate(sent, SCHEMA)
    assert (sent["service"], sent["role"], sent["rerouted_to"]) == (
        "finances", "retrait", "services-techniques")
    assert "travaux de voirie" in sent["explanation"]


def test_a_receipt_matches_the_schema(sent: dict) -> None:
    made = receipt(sent, "courrier-consume@host", "2026-03-03T10:00:00.000000Z")
    jsonschema.validate(made, SCHEMA["$defs"]["receipt"])


def test_the_schema_refuses_a_message_without_its_document(sent: dict) -> None:
    del sent["document_base64"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sent, SCHEMA)
