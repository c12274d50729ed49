"""Schema of the register as ordered migrations, applied once each at start-up."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from pipeline.clock import utc_now


def _initial_schema(db: sqlite_utils.Database) -> None:
    db["items"].create(
        {
            "id": int, "reg": str, "commune": str, "year": int, "seq": int,
            "source": str, "filename": str, "source_path": str, "source_mtime_ns": int,
            "size": int, "sha256": str, "status": str, "service": str, "copies": str,
            "doc_type": str, "sender": str, "sender_email": str, "date": str,
            "subject": str, "refs": str, "siret": str, "amount_ttc": float, "pages": int,
            "confidence": float, "extraction_method": str, "text": str,
            "quarantine_reason": str, "duplicate_of": int, "decision": str,
            "received_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"commune", "source", "filename", "sha256", "status"},
        foreign_keys=[("duplicate_of", "items", "id")],
    )
    db["items"].create_index(["commune", "year", "seq"], unique=True)
    db["items"].create_index(["commune", "sha256"])
    db["items"].create_index(["reg"])
    db["counters"].create({"commune": str, "year": int, "last": int}, pk=("commune", "year"))
    db["events"].create(
        {"id": int, "item_id": int, "ts": str, "stage": str, "detail": str},
        pk="id",
        not_null={"item_id", "ts", "stage"},
        foreign_keys=[("item_id", "items", "id")],
    )
    db["events"].create_index(["item_id"])
    db["outbox"].create(
        {"id": int, "msg_id": str, "item_id": int, "kind": str, "payload": str,
         "created_at": str, "sent_at": str},
        pk="id",
        not_null={"msg_id", "kind", "payload"},
        foreign_keys=[("item_id", "items", "id")],
    )
    db["outbox"].create_index(["msg_id"], unique=True)
    db["outbox"].create_index(["sent_at"])


def _left_inbox(db: sqlite_utils.Database) -> None:
    db["items"].add_column("left_inbox_at", str)


def _corrections(db: sqlite_utils.Database) -> None:
    db["corrections"].create(
        {"id": int, "item_id": int, "ts": str, "from_service": str, "to_service": str,
         "reason": str},
        pk="id", not_null={"item_id", "ts", "to_service"},
        foreign_keys=[("item_id", "items", "id")],
    )
    db["corrections"].create_index(["ts"])


def _outbox_by_item(db: sqlite_utils.Database) -> None:
    # each new message counts the earlier ones of its item and kind: keep that lookup
    # from scanning the whole outbox as the register grows
    db["outbox"].create_index(["item_id", "kind"])


def _contacts(db: sqlite_utils.Database) -> None:
    # the sender directory (pipeline/contacts.py); `commune` NULL: shared by every commune,
    # `config_key` links a contact to its `[[contacts]]` entry across config changes
    db["contacts"].create(
        {
            "id": int, "commune": str, "config_key": str, "name": str, "aliases": str,
            "emails": str, "email_domains": str, "siret": str, "siren": str, "address": str,
            "service": str, "source": str, "name_key": str, "letters": int, "created_at": str,
            "updated_at": str, "last_letter_at": str,
        },
        pk="id",
        not_null={"name", "aliases", "emails", "email_domains", "source", "letters",
                  "created_at", "updated_at"},
        defaults={"aliases": "[]", "emails": "[]", "email_domains": "[]", "letters": 0},
    )
    db["contacts"].create_index(["config_key"], unique=True)
    db["contacts"].create_index(["siren"])
    db["contacts"].create_index(["commune", "source"])
    # a plain ALTER: sqlite-utils' foreign-key helper would rebuild the whole items table
    db.execute("ALTER TABLE items ADD COLUMN contact_id INTEGER REFERENCES contacts(id)")
    for column in ("contact_name", "contact_match", "sender_address"):
        db["items"].add_column(column, str)
    db["items"].create_index(["contact_id"])


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_initial_schema", _initial_schema),
    ("0002_left_inbox", _left_inbox),
    ("0003_corrections", _corrections),
    ("0004_outbox_by_item", _outbox_by_item),
    ("0005_contacts", _contacts),
]


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet recorded in `_migrations`; return their names."""
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for name, migrate in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            migrate(db)
            db["_migrations"].insert({"name": name, "applied_at": utc_now()})
        applied.append(name)
    return applied
