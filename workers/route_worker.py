"""Routing worker: extracted metadata and text in, a routing decision out (to the register)."""

from __future__ import annotations

from typing import Any

from kombu import Queue

from pipeline.config import TRIAGE, Config
from pipeline.queues import WORK_EXCHANGE, Topology
from pipeline.routing import KnownSender, route_item
from workers.base import Outgoing, QueueWorker


class RouteWorker(QueueWorker):
    """Applies the routing rules of the item's commune."""

    def __init__(self, broker_url: str, topology: Topology, config: Config) -> None:
        super().__init__(broker_url, topology)
        self.config = config

    def consumed_queues(self) -> list[Queue]:
        return [self.topology.route]

    def handle(self, body: dict[str, Any], message: Any) -> list[Outgoing]:
        commune = self.config.commune(body["commune"])
        decision = route_item(body.get("text") or "", body.get("subject"), commune.routing,
                              body.get("confidence"), self.known_sender(body))
        msg_id = f"{body['item_id']}:route-result"
        result = {"kind": "routed", "item_id": body["item_id"], "msg_id": msg_id,
                  "decision": decision.as_dict()}
        return [Outgoing(WORK_EXCHANGE, self.topology.results.routing_key, result, msg_id)]

    def known_sender(self, body: dict[str, Any]) -> KnownSender | None:
        """The sender's contact and its default service, when the catalogue still has it (a
        contact may outlive a service removed from the config)."""
        service = body.get("contact_service")
        if not service or service == TRIAGE or service not in self.config.services:
            return None
        return KnownSender(name=body.get("contact") or "?", service=service)
