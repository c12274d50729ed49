"""The register (`courrier.db`): the legal record of every letter, and the source of truth.

Every state change of an item, its event and the message it must send (an outbox row) are
written in one transaction. Whatever the broker loses, `unfinished_outbox` re-sends.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.clock import utc_now
from pipeline.contacts import Sender, identify_sender
from pipeline.errors import CourrierError
from pipeline.messages import route_sender
from pipeline.migrations import apply_migrations

TERMINAL = ("routed", "delivered", "closed", "quarantined", "duplicate")
# the status an item has while the work named by an outbox kind is still to be done
_WAITING_STATUS = {"extract": "received", "route": "extracted", "deliver": "routed"}


def format_reg(year: int, seq: int) -> str:
    return f"{year}-{seq:06d}"


class RegisterError(CourrierError):
    """An operation the register's state does not allow (e.g. releasing a routed item)."""


@dataclass(frozen=True)
class Arrival:
    """What registering one dropped file gave."""

    item_id: int
    reg: str | None
    outcome: str  # "registered" | "duplicate" | "already-registered" | "quarantined"
    duplicate_of: str | None = None


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    msg_id: str
    item_id: int
    kind: str
    payload: dict[str, Any]


class Register:
    """All reads and writes of `courrier.db`. Thread-safe; one instance per process."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed registration survives a power cut (a legal record)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        with self._lock:
            apply_migrations(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite_utils.Database]:
        # IMMEDIATE takes the write lock up front: a read-then-write transaction
        # (the gapless counter) never fails half-way on a competing writer
        with self._lock:
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, for the tables beside the items (the sender directory)."""
        with self._write() as db:
            yield db

    # --- writes -------------------------------------------------------------------------

    def register_arrival(
        self,
        *,
        commune: str,
        filename: str,
        source_path: str,
        mtime_ns: int,
        size: int,
        sha256: str,
        source: str,
        ocr_message: dict[str, Any],
        refused: str | None = None,
    ) -> Arrival:
        """Register a file taken from an inbox: a new item with its number, a duplicate of
        an earlier one, or (after a crash before the file left the inbox) the same arrival.
        A `refused` file (e.g. too large to read) is registered straight into quarantine."""
        now = utc_now()
        with self._write() as db:
            same = db.execute(
                "SELECT id, reg FROM items WHERE commune = ? AND sha256 = ? AND source_path = ? "
                "AND source_mtime_ns = ? AND size = ? AND left_inbox_at IS NULL",
                (commune, sha256, source_path, mtime_ns, size),
            ).fetchone()
            if same:
                return Arrival(item_id=same[0], reg=same[1], outcome="already-registered")
            original = db.execute(
                "SELECT id, reg FROM items WHERE commune = ? AND sha256 = ? AND status != "
                "'duplicate' ORDER BY id LIMIT 1",
                (commune, sha256),
            ).fetchone()
            row = {
                "commune": commune, "source": source, "filename": filename,
                "source_path": source_path, "source_mtime_ns": mtime_ns, "size": size,
                "sha256": sha256, "received_at": now, "updated_at": now,
            }
            if original:
                item_id = db["items"].insert(
                    {**row, "status": "duplicate", "duplicate_of": original[0]}
                ).last_pk
                self._event(item_id, "duplicate", f"same content as {original[1]}", now)
                return Arrival(item_id=item_id, reg=None, outcome="duplicate",
                               duplicate_of=original[1])
            year = datetime.now().astimezone().year
            seq = self._next_number(commune, year)
            reg = format_reg(year, seq)
            item_id = db["items"].insert(
                {**row, "reg": reg, "year": year, "seq": seq, "status": "received"}
            ).last_pk
            self._event(item_id, "received", f"{filename} ({size} bytes)", now)
            if refused:
                self._advance(item_id, "received", "quarantined", {"quarantine_reason": refused})
                self._event(item_id, "quarantined", refused)
                return Arrival(item_id=item_id, reg=reg, outcome="quarantined")
            self._enqueue(item_id, "extract", {**ocr_message, "item_id": item_id, "reg": reg})
            return Arrival(item_id=item_id, reg=reg, outcome="registered")

    def mark_left_inbox(self, item_id: int) -> None:
        """The dropped file is gone from the inbox: the same bytes seen there again are a
        new drop (a duplicate), no longer the arrival a crash interrupted."""
        with self._write() as db:
            db.execute("UPDATE items SET left_inbox_at = ? WHERE id = ?", (utc_now(), item_id))

    def record_extraction(self, item_id: int, fields: dict[str, Any], route_message: dict,
                          sender: Sender | None = None) -> bool:
        """Store what extraction found, link the `sender` to its contact in the directory (a
        new one is learned), and queue the routing with the contact's default service;
        False if already recorded."""
        with self._write() as db:
            row = db.execute("SELECT status, commune, contact_id FROM items WHERE id = ?",
                             (item_id,)).fetchone()
            if row is None or row[0] != "received":
                return False
            # in this transaction: a redelivered result neither learns nor counts twice
            match = identify_sender(db, row[1], sender, row[2]) if sender else None
            if match:
                fields = {**fields, **match.item_fields()}
                route_message = {**route_message,
                                 **route_sender(match.contact.name, match.contact.service)}
            self._advance(item_id, "received", "extracted", fields)
            detail = (f"{fields.get('pages')} page(s), {fields.get('extraction_method')}"
                      + (f", OCR confidence {fields['confidence']:.0f}"
                         if fields.get("confidence") is not None else "")
                      + (f"; sender: {match.describe()}" if match else ""))
            self._event(item_id, "extracted", detail)
            self._enqueue(item_id, "route", {**route_message, "item_id": item_id})
            return True

    def record_routing(self, item_id: int, decision: dict[str, Any],
                       deliveries: list[tuple[str, dict[str, Any]]]) -> bool:
        """Store the routing decision and queue one delivery per service (the principal,
        then the copies); False if already recorded."""
        fields = {
            "service": decision["service"],
            "copies": json.dumps(decision.get("copies", [])),
            "doc_type": decision.get("doc_type"),
            "decision": json.dumps(decision, ensure_ascii=False),
        }
        with self._write():
            if not self._advance(item_id, "extracted", "routed", fields):
                return False
            copies = decision.get("copies") or []
            self._event(item_id, "routed", f"{decision['service']}"
                        + (f" (copies: {', '.join(copies)})" if copies else "")
                        + f": {decision['explanation']}")
            for service, message in deliveries:
                self._enqueue(item_id, f"deliver:{service}", message)
            return True

    def reroute(self, item_id: int, service: str, reason: str, delivery: dict[str, Any],
                withdrawal: dict[str, Any]) -> str:
        """A person corrects a routing: the letter goes to `service` (`delivery`), the
        service it leaves is told so (`withdrawal`), and the correction is kept for learning;
        returns the service it came from."""
        with self._write() as db:
            item = db["items"].get(item_id)
            if item["status"] not in ("routed", "delivered"):
                raise RegisterError(f"{item['reg']} is {item['status']}: only a routed letter "
                                    "can be rerouted")
            if item["service"] == service:
                raise RegisterError(f"{item['reg']} is already with {service}")
            if withdrawal["service"] != item["service"]:
                raise RegisterError(f"{item['reg']} was rerouted meanwhile; try again")
            now = utc_now()
            db["items"].update(item_id, {"service": service, "status": "routed",
                                         "updated_at": now})
            db.execute("INSERT INTO corrections (item_id, ts, from_service, to_service, reason)"
                       " VALUES (?, ?, ?, ?, ?)", (item_id, now, item["service"], service, reason))
            self._event(item_id, "rerouted", f"{item['service']} → {service}: {reason}")
            self._enqueue(item_id, f"deliver:{item['service']}", withdrawal)
            self._enqueue(item_id, f"deliver:{service}", delivery)
            return item["service"]

    def corrected_items(self) -> set[int]:
        with self._lock:
            return {row[0] for row in self.db.execute("SELECT DISTINCT item_id FROM corrections")}

    def correction_count(self, since: str | None = None) -> int:
        with self._lock:
            (count,) = self.db.execute(
                "SELECT count(*) FROM corrections WHERE ts > ?", (since or "",)).fetchone()
        return count

    def record_quarantine(self, item_id: int, reason: str) -> bool:
        """Mark an unfinished item quarantined with a readable reason."""
        with self._write() as db:
            status = self._status(item_id)
            if status in TERMINAL:
                return False
            db.execute(
                "UPDATE items SET status = 'quarantined', quarantine_reason = ?, updated_at = ? "
                "WHERE id = ?", (reason, utc_now(), item_id),
            )
            self._event(item_id, "quarantined", reason)
            return True

    def record_delivery(self, item_id: int, service: str, consumer: str) -> bool:
        """A service took its mail (a receipt came back); False if already recorded. The
        letter is delivered when the service handling it takes it; a copy, or the service
        a letter was rerouted away from, only leaves a trace in its trail."""
        with self._write() as db:
            item = db["items"].get(item_id)
            if service != item["service"]:
                detail = f"{service} via {consumer} (copy or earlier route)"
                if db.execute("SELECT 1 FROM events WHERE item_id = ? AND stage = 'taken' AND "
                              "detail = ?", (item_id, detail)).fetchone():
                    return False
                self._event(item_id, "taken", detail)
                return True
            if not self._advance(item_id, "routed", "delivered", {}):
                return False
            self._event(item_id, "delivered", f"{service} via {consumer}")
            return True

    def mark_sent(self, outbox_id: int) -> None:
        with self._write() as db:
            db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (utc_now(), outbox_id))

    # --- outbox -------------------------------------------------------------------------

    def pending_outbox(self, limit: int = 100) -> list[OutboxMessage]:
        """Messages written but not yet handed to the broker, oldest first."""
        with self._lock:
            rows = self.db.execute(
                "SELECT id, msg_id, item_id, kind, payload FROM outbox WHERE sent_at IS NULL "
                "ORDER BY id LIMIT ?", (limit,),
            ).fetchall()
        return [OutboxMessage(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def resend_unfinished(self, older_than: float | None = None) -> int:
        """Mark for re-sending the latest message of every step the register still awaits:
        the broker may have lost it (an embedded queue after a crash, a result never
        confirmed). With `older_than`, only messages sent at least that many seconds ago."""
        cutoff = (datetime.now(UTC) - timedelta(seconds=older_than)).isoformat(
            timespec="microseconds").replace("+00:00", "Z") if older_than else "9999"
        with self._write() as db:
            cursor = db.execute(
                "UPDATE outbox SET sent_at = NULL WHERE sent_at IS NOT NULL AND sent_at < ? "
                "AND id IN (SELECT o.id FROM outbox o JOIN items i ON i.id = o.item_id WHERE "
                " ((o.kind = 'extract' AND i.status = 'received') OR "
                "  (o.kind = 'route' AND i.status = 'extracted')) AND o.id = "
                " (SELECT max(id) FROM outbox WHERE item_id = o.item_id AND kind = o.kind))",
                (cutoff,),
            )
            return cursor.rowcount

    def release(self, item_id: int, reason: str, replacement: dict[str, Any] | None,
                ocr_message: dict[str, Any]) -> None:
        """Put a quarantined item back through the pipeline, with its bytes or new ones
        (`replacement`: sha256, size, filename), keeping its registration number."""
        with self._write() as db:
            item = db["items"].get(item_id)
            if item["status"] != "quarantined":
                raise RegisterError(f"{item['reg']} is {item['status']}, not quarantined")
            fields = {"status": "received", "quarantine_reason": None, "updated_at": utc_now(),
                      **(replacement or {})}
            db["items"].update(item_id, fields)
            detail = reason + (f"; new file {replacement['filename']} "
                               f"({replacement['size']} bytes)" if replacement else "")
            self._event(item_id, "released", detail)
            self._enqueue(item_id, "extract", {**ocr_message, "item_id": item_id,
                                               "reg": item["reg"]})

    # --- reads --------------------------------------------------------------------------

    def item(self, item_id: int) -> dict[str, Any]:
        with self._lock:
            return self.db["items"].get(item_id)

    def find(self, reg: str, commune: str | None = None) -> dict[str, Any] | None:
        sql = "SELECT * FROM items WHERE reg = ?" + (" AND commune = ?" if commune else "")
        params = (reg, commune) if commune else (reg,)
        with self._lock:
            rows = list(self.db.query(sql + " ORDER BY id", params))
        return rows[0] if rows else None

    def items(self, commune: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM items" + (" WHERE commune = ?" if commune else "") + " ORDER BY id"
        with self._lock:
            return list(self.db.query(sql, (commune,) if commune else ()))

    def progress(self) -> list[dict[str, Any]]:
        """Status of every item, without the heavy columns (for polling)."""
        with self._lock:
            return list(self.db.query(
                "SELECT id, reg, commune, filename, status, service, updated_at FROM items"))

    def events(self, item_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query(
                "SELECT ts, stage, detail FROM events WHERE item_id = ? ORDER BY id", (item_id,)
            ))

    def events_after(self, last_id: int, stages: tuple[str, ...]) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(stages))
        with self._lock:
            return list(self.db.query(
                "SELECT e.id, e.ts, e.stage, e.detail, i.reg, i.commune, i.service, i.filename "
                f"FROM events e JOIN items i ON i.id = e.item_id WHERE e.id > ? "
                f"AND e.stage IN ({marks}) ORDER BY e.id", (last_id, *stages),
            ))

    def count_by_status(self) -> dict[str, int]:
        with self._lock:
            return {r["status"]: r["n"] for r in self.db.query(
                "SELECT status, count(*) AS n FROM items GROUP BY status")}

    # --- internals (called with the write transaction open) -----------------------------

    def _status(self, item_id: int) -> str | None:
        row = self.db.execute("SELECT status FROM items WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    def _advance(self, item_id: int, expected: str, new: str, fields: dict[str, Any]) -> bool:
        # the expected status makes every step idempotent: a redelivered message is a no-op
        if self._status(item_id) != expected:
            return False
        self.db["items"].update(item_id, {**fields, "status": new, "updated_at": utc_now()})
        return True

    def _next_number(self, commune: str, year: int) -> int:
        row = self.db.execute(
            "SELECT last FROM counters WHERE commune = ? AND year = ?", (commune, year)
        ).fetchone()
        seq = (row[0] if row else 0) + 1
        self.db.execute(
            "INSERT INTO counters (commune, year, last) VALUES (?, ?, ?) "
            "ON CONFLICT (commune, year) DO UPDATE SET last = excluded.last",
            (commune, year, seq),
        )
        return seq

    def _event(self, item_id: int, stage: str, detail: str, ts: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO events (item_id, ts, stage, detail) VALUES (?, ?, ?, ?)",
            (item_id, ts or utc_now(), stage, detail),
        )

    def _enqueue(self, item_id: int, kind: str, payload: dict[str, Any]) -> None:
        # the same step done again (a release) is a new message, with an id of its own
        (earlier,) = self.db.execute(
            "SELECT count(*) FROM outbox WHERE item_id = ? AND kind = ?", (item_id, kind)
        ).fetchone()
        msg_id = f"{item_id}:{kind}" + (f":{earlier + 1}" if earlier else "")
        self.db.execute(
            "INSERT INTO outbox (msg_id, item_id, kind, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (msg_id, item_id, kind,
             json.dumps({**payload, "msg_id": msg_id}, ensure_ascii=False), utc_now()),
        )
