"""`courrier export`: the register, one item per line, in the field names of DESIGN.md."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from pipeline.register import Register

EXPORT_FIELDS = (
    "reg", "id", "commune", "source", "filename", "sha256", "status", "service", "copies",
    "doc_type", "sender", "sender_email", "sender_address", "contact", "contact_id",
    "contact_match", "date", "subject", "references", "siret", "amount_ttc", "pages",
    "confidence", "quarantine_reason", "duplicate_of", "received_at", "events",
)


def export_record(register: Register, item: dict[str, Any]) -> dict[str, Any]:
    """One register entry as exported: lists and the contact match decoded, events
    attached."""
    record = {
        **item,
        "copies": json.loads(item.get("copies") or "[]"),
        "references": json.loads(item.get("refs") or "[]"),
        # the sender as the directory knows it (its canonical name), beside what the letter says
        "contact": item.get("contact_name"),
        "contact_match": json.loads(item["contact_match"]) if item.get("contact_match") else None,
        "events": register.events(item["id"]),
    }
    if item.get("duplicate_of"):
        record["duplicate_of"] = register.item(item["duplicate_of"])["reg"]
    return {name: record.get(name) for name in EXPORT_FIELDS}


def export_lines(register: Register, fmt: str, commune: str | None = None) -> Iterator[str]:
    """The register as JSON lines or CSV (lists, objects and events JSON-encoded in their
    cell)."""
    records = (export_record(register, item) for item in register.items(commune))
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(record, ensure_ascii=False)
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: json.dumps(v, ensure_ascii=False)
                         if isinstance(v, list | dict) else v for k, v in record.items()})
        # a row may hold a quoted newline: emit whole rows, not split lines
        yield buffer.getvalue().removesuffix("\n")
        buffer.seek(0)
        buffer.truncate()
