"""The shape every long-running worker shares: consume one or more queues, hand each
message to `handle`, publish what it returns, and only then acknowledge."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from kombu import Exchange, Queue
from kombu.mixins import ConsumerProducerMixin

from pipeline.errors import RetryableError
from pipeline.queues import declare, open_connection, publish

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """A message a handler wants sent before its input is acknowledged."""

    exchange: Exchange
    routing_key: str
    body: dict[str, Any]
    message_id: str


class QueueWorker(ConsumerProducerMixin):
    """Consumes `queues`; subclasses implement `handle(body) -> list[Outgoing]`."""

    queues: tuple[Queue, ...] = ()
    prefetch = 1
    retry_delay = 1.0

    def __init__(self, broker_url: str, topology: list[Queue]) -> None:
        self.connection = open_connection(broker_url)
        self.topology = topology
        self.handled = 0
        self.ready = threading.Event()

    def handle(self, body: dict[str, Any]) -> list[Outgoing]:
        raise NotImplementedError

    def get_consumers(self, Consumer: Any, channel: Any) -> list[Any]:  # noqa: N803 (kombu's name)
        return [Consumer(queues=list(self.queues), callbacks=[self._on_message],
                         accept=["json"], prefetch_count=self.prefetch)]

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **kw: Any) -> None:
        declare(connection, self.topology)
        self.ready.set()

    def _on_message(self, body: dict[str, Any], message: Any) -> None:
        try:
            outgoing = self.handle(body)
            for out in outgoing:
                publish(self.producer, out.body, exchange=out.exchange,
                        routing_key=out.routing_key, message_id=out.message_id)
        except RetryableError as exc:
            log.warning("%s: will retry %s: %s", type(self).__name__, body.get("msg_id"), exc)
            time.sleep(self.retry_delay)
            message.requeue()
            return
        except Exception:
            # the outcome is not recorded, so the message must not be acknowledged
            log.exception("%s failed on %s; requeued", type(self).__name__, body.get("msg_id"))
            time.sleep(self.retry_delay)
            message.requeue()
            return
        message.ack()
        self.handled += 1

    def stop(self) -> None:
        self.should_stop = True

    def start_thread(self, name: str) -> threading.Thread:
        thread = threading.Thread(target=self.run, name=name, daemon=True)
        thread.start()
        return thread
