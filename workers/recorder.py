"""Register node's consumer: writes workers' results and services' receipts into the register.

Workers never touch `courrier.db`; this is its only writer besides intake, so the register
can live on one machine while workers run anywhere.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from kombu import Queue

from pipeline.clock import utc_now
from pipeline.config import Config
from pipeline.contacts import Sender
from pipeline.learning import Learner
from pipeline.messages import delivery, route_job
from pipeline.quarantine import quarantine_document
from pipeline.queues import DEAD_LETTER_EXCHANGE, DELIVERY_LIMIT, Topology
from pipeline.register import Register
from pipeline.routing import Decision
from pipeline.routing_log import RoutingLog
from pipeline.store import DocumentStore
from workers.base import Outgoing, QueueWorker

log = logging.getLogger(__name__)


class Recorder(QueueWorker):
    prefetch = 10

    def __init__(self, broker_url: str, topology: Topology, config: Config, register: Register,
                 store: DocumentStore, routing_log: RoutingLog,
                 on_write: Callable[[], None] = lambda: None) -> None:
        super().__init__(broker_url, topology)
        self.config = config
        self.register = register
        self.learner = Learner(register, config.model_path, config.learning)
        self.store = store
        self.routing_log = routing_log
        self.on_write = on_write

    def consumed_queues(self) -> list[Queue]:
        queues = [self.topology.results, self.topology.receipts]
        return queues + ([self.topology.dead] if self.topology.dead is not None else [])

    def handle(self, body: dict[str, Any], message: Any) -> list[Outgoing]:
        if message.delivery_info.get("exchange") == DEAD_LETTER_EXCHANGE.name:
            if self._dead(body, message):
                self.on_write()
            return []
        handler = {
            "extracted": self._extracted,
            "routed": self._routed,
            "failed": self._failed,
            "receipt": self._receipt,
        }.get(body.get("kind", ""))
        if handler is None:
            log.error("unknown result kind %r (msg %s): dropped", body.get("kind"),
                      body.get("msg_id"))
            return []
        if handler(body):
            self.on_write()
        return []

    def _extracted(self, body: dict[str, Any]) -> bool:
        fields = dict(body["fields"])
        text = fields.pop("text")
        fields["refs"] = json.dumps(fields.pop("references", []), ensure_ascii=False)
        item = {**self.register.item(body["item_id"]), **fields}
        return self.register.record_extraction(
            body["item_id"], {**fields, "text": text}, route_job(item, text),
            sender=Sender.from_fields(fields),
        )

    def _routed(self, body: dict[str, Any]) -> bool:
        item = self.register.item(body["item_id"])
        if item["status"] != "extracted":
            return False  # already recorded (a redelivery)
        rules = Decision(**body["decision"])
        decision = self.learner.decide(rules, item["text"] or "", item["subject"]).as_dict()
        service = decision["service"]
        now = utc_now()
        deliveries = [(service, delivery(item, decision, service, "traitement", now))]
        deliveries += [(copy, delivery(item, decision, copy, "copie", now))
                       for copy in decision.get("copies", [])]
        if not self.register.record_routing(item["id"], decision, deliveries):
            return False
        self.routing_log.write(item["commune"], item["reg"], "routed", service, item["filename"],
                               decision["explanation"])
        return True

    def _dead(self, body: dict[str, Any], message: Any) -> bool:
        """A message that failed DELIVERY_LIMIT times: its item waits for a person."""
        deaths = message.headers.get("x-death") or [{}]
        queue = deaths[0].get("queue", "?")
        if "item_id" not in body or body.get("kind") == "receipt":
            log.error("message %s dead-lettered from %s, nothing to quarantine: %s",
                      body.get("msg_id"), queue, str(body)[:300])
            return False
        return self._failed({"item_id": body["item_id"], "reason": (
            f"processing failed {DELIVERY_LIMIT} times in a row ({queue}); "
            "see the workers' logs")})

    def _failed(self, body: dict[str, Any]) -> bool:
        item = self.register.item(body["item_id"])
        if item["status"] not in ("received", "extracted"):
            return False
        reason = body["reason"]
        quarantine_document(self.config.quarantine_dir, self.store, item, reason)
        if not self.register.record_quarantine(item["id"], reason):
            return False
        self.routing_log.write(item["commune"], item["reg"], "quarantined", "quarantine",
                               item["filename"], reason)
        return True

    def _receipt(self, body: dict[str, Any]) -> bool:
        item = self.register.find(body["reg"], body.get("commune"))
        if item is None:
            log.warning("receipt for unknown item %s/%s", body.get("commune"), body.get("reg"))
            return False
        if not self.register.record_delivery(item["id"], body["service"], body["consumer"]):
            return False
        self.routing_log.write(item["commune"], item["reg"], "delivered", body["service"],
                               item["filename"], f"taken by {body['consumer']}")
        return True
