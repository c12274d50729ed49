"""The shape every long-running worker shares: consume one or more queues, hand each
message to `handle`, publish what it returns, and only then acknowledge."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kombu import Exchange, Producer, Queue
from kombu.mixins import ConsumerProducerMixin

from pipeline.errors import RetryableError
from pipeline.queues import Topology, declare, new_producer, open_connection, publish

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """A message a handler wants sent before its input is acknowledged."""

    exchange: Exchange
    routing_key: str
    body: dict[str, Any]
    message_id: str


class QueueWorker(ConsumerProducerMixin):
    """Consumes `consumed_queues()`; subclasses implement `handle(body) -> list[Outgoing]`.

    A failure that is not the document's (a bug, the database busy) requeues the message
    after `retry_delay`; on RabbitMQ the queue's delivery limit then sends a message that
    keeps failing to `courrier.dead`, where the register quarantines its item.
    """

    prefetch = 1
    retry_delay = 1.0

    def __init__(self, broker_url: str, topology: Topology) -> None:
        self.connection = open_connection(broker_url)
        self.topology = topology
        self.handled = 0
        self.ready = threading.Event()
        self._consuming_connection: Any = None

    def consumed_queues(self) -> list[Queue]:
        raise NotImplementedError

    def handle(self, body: dict[str, Any], message: Any) -> list[Outgoing]:
        raise NotImplementedError

    @cached_property
    def producer(self) -> Producer:
        return new_producer(self.producer_connection)

    def get_consumers(self, Consumer: Any, channel: Any) -> list[Any]:  # noqa: N803 (kombu's name)
        return [Consumer(queues=self.consumed_queues(), callbacks=[self._on_message],
                         accept=["json"], prefetch_count=self.prefetch)]

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **kw: Any) -> None:
        declare(connection, self.topology.work())
        self._consuming_connection = connection
        self.ready.set()

    def _on_message(self, body: dict[str, Any], message: Any) -> None:
        try:
            with self._heartbeats():
                outgoing = self.handle(body, message)
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

    def _heartbeats(self) -> _Heartbeats:
        return _Heartbeats(self._consuming_connection)

    def stop(self) -> None:
        self.should_stop = True

    def start_thread(self, name: str) -> threading.Thread:
        thread = threading.Thread(target=self.run, name=name, daemon=True)
        thread.start()
        return thread


class _Heartbeats:
    """Keeps a consuming connection's heartbeats going while a long handler runs (OCR of a
    60-page scan takes minutes; without heartbeats the broker would drop the connection and
    hand the document to another worker)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeats:
        heartbeat = getattr(self.connection, "heartbeat", 0) if self.connection else 0
        if heartbeat:
            self.thread = threading.Thread(target=self._beat, args=(heartbeat / 3,), daemon=True)
            self.thread.start()
        return self

    def _beat(self, interval: float) -> None:
        while not self.done.wait(interval):
            try:
                self.connection.heartbeat_check()
            except Exception:  # a lost connection is the consumer loop's to handle
                return

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()
