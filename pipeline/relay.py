"""Outbox relay: hands the messages the register has written to the broker, then marks
them sent. A message is sent at least once; receivers ignore what they have already done."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from pipeline.messages import with_document
from pipeline.queues import (
    RECEIPTS_EXCHANGE,
    SERVICE_EXCHANGE,
    WORK_EXCHANGE,
    Topology,
    declare,
    new_producer,
    open_connection,
    publish,
)
from pipeline.register import OutboxMessage, Register
from pipeline.store import DocumentStore

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, broker_url: str, topology: Topology, register: Register,
                 store: DocumentStore, idle_seconds: float = 0.5,
                 stale_seconds: float = 900.0, reconcile_seconds: float = 60.0) -> None:
        self.broker_url = broker_url
        self.topology = topology
        self.register = register
        self.store = store
        self.idle_seconds = idle_seconds
        self.stale_seconds = stale_seconds
        self.reconcile_seconds = reconcile_seconds
        self.wake = threading.Event()
        self.sent = 0

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set; reconnects (with backoff) when the broker goes away."""
        with open_connection(self.broker_url) as connection:
            connection.ensure_connection(max_retries=None, interval_start=0.5, interval_max=10)
            declare(connection, self.topology.all())
            producer = new_producer(connection.default_channel)
            next_reconcile = time.monotonic() + self.reconcile_seconds
            while not stop.is_set():
                if time.monotonic() >= next_reconcile:
                    # a step with no outcome long after its message left: send it again
                    stale = self.register.resend_unfinished(older_than=self.stale_seconds)
                    if stale:
                        log.warning("re-sending %d message(s) with no outcome after %g s",
                                    stale, self.stale_seconds)
                    next_reconcile = time.monotonic() + self.reconcile_seconds
                pending = self.register.pending_outbox()
                for message in pending:
                    self._send(producer, message)
                if not pending:
                    self.wake.wait(self.idle_seconds)
                    self.wake.clear()
                    connection.heartbeat_check()

    def _send(self, producer: Any, message: OutboxMessage) -> None:
        payload = message.payload
        reply_to = None
        if message.kind == "extract":
            exchange, key = WORK_EXCHANGE, self.topology.ocr.routing_key
        elif message.kind == "route":
            exchange, key = WORK_EXCHANGE, self.topology.route.routing_key
        elif message.kind.startswith("deliver:"):
            exchange, key = SERVICE_EXCHANGE, f"{payload['commune']}.{payload['service']}"
            reply_to = RECEIPTS_EXCHANGE.name
        else:
            raise ValueError(f"outbox row {message.id} has unknown kind {message.kind!r}")
        body = with_document(payload, self.store)
        publish(producer, body, exchange=exchange, routing_key=key, message_id=message.msg_id,
                reply_to=reply_to)
        self.register.mark_sent(message.id)
        self.sent += 1
