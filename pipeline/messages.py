"""The bodies of the messages the pipeline sends, built in one place.

Internal messages (extract, route, results) and the service delivery message, whose shape
is the contract with services (`docs/message-schema.json`). Documents travel inside the
messages, base64-encoded, so a worker or a service needs no access to the register's disk.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from typing import Any

from pipeline.store import DocumentStore

DELIVERY_SCHEMA = "courrier.delivery/1"
RECEIPT_SCHEMA = "courrier.receipt/1"

# fields of an item that a service receives and `courrier export` lists
ITEM_FIELDS = (
    "reg", "commune", "source", "filename", "sha256", "doc_type", "sender", "sender_email",
    "date", "subject", "siret", "amount_ttc", "pages", "confidence",
)


def extract_job(*, commune: str, filename: str, sha256: str) -> dict[str, Any]:
    """Work for an OCR/extraction worker; the relay attaches the document's bytes."""
    return {"commune": commune, "filename": filename, "attach_sha256": sha256}


def route_job(item: dict[str, Any], text: str) -> dict[str, Any]:
    """Work for a routing worker: the extracted metadata and text of one item."""
    return {
        "commune": item["commune"],
        "reg": item["reg"],
        "text": text,
        **{k: item.get(k) for k in ("subject", "sender", "sender_email", "source",
                                    "confidence")},
    }


def route_sender(contact: str, service: str | None) -> dict[str, Any]:
    """What a route job adds once the sender directory knows the letter's sender: its
    canonical name and default service (one routing signal among the rules)."""
    return {"contact": contact, "contact_service": service}


def delivery(item: dict[str, Any], decision: dict[str, Any], service: str, role: str,
             routed_at: str) -> dict[str, Any]:
    """The message a service receives (schema `courrier.delivery/1`), without the bytes."""
    return {
        "schema": DELIVERY_SCHEMA,
        **{k: item.get(k) for k in ITEM_FIELDS},
        "references": json.loads(item.get("refs") or "[]"),
        "service": service,
        "role": role,
        "copies": decision.get("copies", []),
        "received_at": item["received_at"],
        "routed_at": routed_at,
        "explanation": decision.get("explanation"),
        "content_type": content_type(item["filename"]),
        "contact": contact_of(item),
        "attach_sha256": item["sha256"],
    }


def withdrawal(item: dict[str, Any], rerouted_to: str, reason: str, ts: str
               ) -> dict[str, Any]:
    """What the service a letter was rerouted away from receives: the same delivery with
    role `retrait`, saying where the letter went and why (the document included, so that
    every delivery has one shape)."""
    decision = {"explanation": f"rerouted to {rerouted_to}: {reason}"}
    return {**delivery(item, decision, item["service"], "retrait", ts),
            "rerouted_to": rerouted_to}


def contact_of(item: dict[str, Any]) -> dict[str, Any] | None:
    """The sender as the directory knows it: id, canonical name, how the letter matched."""
    if item.get("contact_id") is None:
        return None
    match = json.loads(item["contact_match"]) if item.get("contact_match") else None
    return {"id": item["contact_id"], "name": item.get("contact_name"), "match": match}


def receipt(delivered: dict[str, Any], consumer: str, ts: str) -> dict[str, Any]:
    """What a service sends back once it has taken a delivery."""
    return {
        "schema": RECEIPT_SCHEMA,
        "kind": "receipt",
        "msg_id": delivered["msg_id"],
        "reg": delivered["reg"],
        "commune": delivered["commune"],
        "service": delivered["service"],
        "consumer": consumer,
        "ts": ts,
    }


def with_document(payload: dict[str, Any], store: DocumentStore) -> dict[str, Any]:
    """Replace `attach_sha256` by the document itself (`document_base64`)."""
    sha256 = payload.get("attach_sha256")
    if not sha256:
        return payload
    body = {k: v for k, v in payload.items() if k != "attach_sha256"}
    body["sha256"] = sha256
    body["document_base64"] = base64.b64encode(store.get(sha256)).decode("ascii")
    return body


def document_bytes(body: dict[str, Any]) -> bytes:
    return base64.b64decode(body["document_base64"])


def content_type(filename: str) -> str:
    if filename.lower().endswith(".eml"):
        return "message/rfc822"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
