"""OCR/extraction worker: document bytes in, text and first metadata out (to the register)."""

from __future__ import annotations

import logging
from typing import Any

from kombu import Queue

from pipeline.errors import DocumentError, MissingDependency, RetryableError
from pipeline.extraction import ExtractionLimits
from pipeline.messages import document_bytes
from pipeline.queues import WORK_EXCHANGE, Topology
from pipeline.sandbox import ExtractionSandbox
from workers.base import Outgoing, QueueWorker

log = logging.getLogger(__name__)


class OcrWorker(QueueWorker):
    """Reads one document at a time in its own sandboxed child process."""

    def __init__(self, broker_url: str, topology: Topology, sandbox: ExtractionSandbox) -> None:
        super().__init__(broker_url, topology)
        self.sandbox = sandbox

    def consumed_queues(self) -> list[Queue]:
        return [self.topology.ocr]

    def handle(self, body: dict[str, Any], message: Any) -> list[Outgoing]:
        item_id = body["item_id"]
        try:
            fields = self.sandbox.extract(document_bytes(body), body["filename"])
            result = {"kind": "extracted", "item_id": item_id, "fields": fields}
        except MissingDependency as exc:
            raise RetryableError(str(exc)) from exc
        except DocumentError as exc:
            log.info("%s (%s) cannot be read: %s", body.get("reg"), body["filename"], exc.reason)
            result = {"kind": "failed", "item_id": item_id, "reason": exc.reason,
                      "code": exc.code}
        msg_id = f"{item_id}:extract-result"
        return [Outgoing(WORK_EXCHANGE, self.topology.results.routing_key,
                         {**result, "msg_id": msg_id}, msg_id)]

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **kw: Any) -> None:
        self.sandbox.warm_up()
        super().on_consume_ready(connection, channel, consumers, **kw)

    def on_consume_end(self, connection: Any, channel: Any) -> None:
        self.sandbox.close()


def make_sandbox(limits: Any, language: str) -> ExtractionSandbox:
    """A sandbox configured from the config's `Limits`."""
    return ExtractionSandbox(
        ExtractionLimits(max_pages=limits.max_pages, max_image_pixels=limits.max_image_pixels,
                         ocr_language=language),
        timeout=limits.timeout_seconds,
        memory_bytes=limits.memory_bytes,
    )
