"""`courrier consume`: a service takes the mail waiting in its queue.

Each delivery is written out (a folder, or one JSON line), then a receipt is sent back to
the register (the message's `reply_to`), then the message is acknowledged: a crash in
between redelivers it, and a delivery already written is not written twice.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kombu import Connection, Consumer, Exchange

from pipeline.clock import utc_now
from pipeline.errors import CourrierError
from pipeline.messages import document_bytes, receipt
from pipeline.quarantine import safe_filename
from pipeline.queues import RECEIPT_KEY, Topology, declare, new_producer, publish
from pipeline.store import write_durably

Writer = Callable[[dict[str, Any]], bool]


class SeenMessages:
    """The deliveries a consumer has already written, by message id: a delivery sent twice
    (the register re-sends what it could not confirm) is written once."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (msg_id TEXT PRIMARY KEY, ts TEXT)")

    def __contains__(self, msg_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM seen WHERE msg_id = ?", (msg_id,)).fetchone() \
            is not None

    def add(self, msg_id: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (msg_id, utc_now()))

    def close(self) -> None:
        self.db.close()


WITHDRAWN = "retraits"


def write_to_folder(out: Path) -> Writer:
    """Writes `<reg>.<ext>` (the document) and `<reg>.json` (its metadata) into `out`; a
    letter rerouted to another service (role `retrait`) moves to `out/retraits/`."""
    out.mkdir(parents=True, exist_ok=True)

    def write(body: dict[str, Any]) -> bool:
        stem = body["reg"]
        folder = out
        if body.get("role") == "retrait":
            folder = out / WITHDRAWN
            folder.mkdir(exist_ok=True)
            for earlier in out.glob(f"{stem}.*"):
                earlier.replace(folder / earlier.name)
        meta_path = folder / f"{stem}.json"
        if meta_path.exists() and json.loads(meta_path.read_text("utf-8")).get("msg_id") == \
                body["msg_id"]:
            return False  # already written by an earlier, interrupted run
        suffix = Path(safe_filename(body["filename"])).suffix.lower() or ".bin"
        write_durably(folder / f"{stem}{suffix}", document_bytes(body))
        metadata = {k: v for k, v in body.items() if k != "document_base64"}
        metadata["document"] = f"{stem}{suffix}"
        write_durably(meta_path, json.dumps(metadata, ensure_ascii=False, indent=2).encode())
        return True

    return write


def write_json_lines(emit: Callable[[str], None], with_document: bool = False) -> Writer:
    """Emits one JSON line per delivery (the document's bytes only when asked)."""

    def write(body: dict[str, Any]) -> bool:
        shown = body if with_document else {k: v for k, v in body.items()
                                             if k != "document_base64"}
        emit(json.dumps(shown, ensure_ascii=False))
        return True

    return write


def consume_service(connection: Connection, topology: Topology, commune: str, service: str,
                    writer: Writer, seen: SeenMessages, *, follow: bool = False,
                    consumer_name: str | None = None, idle_timeout: float = 1.0) -> int:
    """Take the deliveries of one service; return how many were written.

    Without `follow`, returns once the queue has been empty for `idle_timeout` seconds.
    Needs only read access to the service's queue and write access to the receipts
    exchange, as a service account on RabbitMQ has (`courrier rabbitmq setup`).
    """
    queue = topology.service_queue(commune, service)
    channel = connection.channel()
    if not topology.amqp:
        # the embedded broker routes within this process: it must know the receipts binding
        declare(connection, [topology.receipts])
    try:
        queue(channel).queue_declare(passive=True)
    except connection.channel_errors as exc:
        raise CourrierError(f"cannot read queue {queue.name}: {exc} (is the register node "
                            "running, and may this account read this queue?)") from None
    consumer_name = consumer_name or f"courrier-consume@{socket.gethostname()}"
    producer = new_producer(connection.channel())
    written = 0

    def on_message(body: dict[str, Any], message: Any) -> None:
        nonlocal written
        body = {**body, "msg_id": body.get("msg_id") or message.properties.get("message_id")}
        if body["msg_id"] not in seen:
            if writer(body):
                written += 1
            seen.add(body["msg_id"])
        reply_to = message.properties.get("reply_to")
        if reply_to:
            publish(producer, receipt(body, consumer_name, utc_now()),
                    exchange=Exchange(reply_to), routing_key=RECEIPT_KEY,
                    message_id=f"{body['msg_id']}:receipt")
        message.ack()

    consumer = Consumer(channel, [queue], callbacks=[on_message], accept=["json"],
                        prefetch_count=1, auto_declare=False)
    try:
        consumer.consume()
    except connection.channel_errors as exc:
        raise CourrierError(f"not allowed to read queue {queue.name}: {exc}") from None
    try:
        while True:
            try:
                connection.drain_events(timeout=idle_timeout)
            except TimeoutError:
                if not follow:
                    return written
            except KeyboardInterrupt:
                return written
    finally:
        consumer.cancel()
