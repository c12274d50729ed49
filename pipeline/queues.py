"""Every exchange and queue of the pipeline, and how to connect to the broker.

Producers and workers import their queues from here. The broker is a URL: the embedded
default `sqlite:///<data>/queues.db` (no server), or `amqp://user:pw@host/vhost` for
RabbitMQ when the workers run on several machines; nothing else changes between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kombu import Connection, Exchange, Producer, Queue

from pipeline.sqlite_transport import Transport as SqliteTransport

# internal work: register node → workers → register node
WORK_EXCHANGE = Exchange("courrier.work", type="direct", durable=True)
OCR_QUEUE = Queue("courrier.ocr", WORK_EXCHANGE, routing_key="ocr", durable=True)
ROUTE_QUEUE = Queue("courrier.route", WORK_EXCHANGE, routing_key="route", durable=True)
RESULTS_QUEUE = Queue("courrier.results", WORK_EXCHANGE, routing_key="results", durable=True)
WORK_QUEUES = (OCR_QUEUE, ROUTE_QUEUE, RESULTS_QUEUE)

# services: the routing decision lands in courrier.<commune>.<service>
SERVICE_EXCHANGE = Exchange("courrier", type="topic", durable=True)
# services acknowledge what they took by publishing here (the message's reply_to)
RECEIPTS_QUEUE = Queue("courrier.receipts", WORK_EXCHANGE, routing_key="receipts", durable=True)

PERSISTENT = 2


def service_queue(commune: str, service: str) -> Queue:
    """The durable queue a service of a commune consumes."""
    return Queue(
        f"courrier.{commune}.{service}",
        SERVICE_EXCHANGE,
        routing_key=f"{commune}.{service}",
        durable=True,
    )


def all_queues(communes: Iterable[str], services: Iterable[str]) -> list[Queue]:
    """The whole topology: work queues, receipts, and one queue per commune and service."""
    services = list(services)
    return [*WORK_QUEUES, RECEIPTS_QUEUE,
            *(service_queue(c, s) for c in communes for s in services)]


def open_connection(url: str) -> Connection:
    """A kombu connection for a broker URL (`sqlite:///path` or any kombu URL)."""
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        return Connection(transport=SqliteTransport, transport_options={"path": path})
    return Connection(url, heartbeat=30)


def declare(connection: Connection, queues: Iterable[Queue]) -> None:
    """Declare exchanges, queues and bindings (idempotent, on every connect)."""
    channel = connection.default_channel
    for queue in queues:
        queue(channel).declare()


def publish(
    producer: Producer,
    body: dict[str, Any],
    *,
    exchange: Exchange,
    routing_key: str,
    message_id: str,
    reply_to: str | None = None,
) -> None:
    """Publish one persistent JSON message, retrying while the broker reconnects."""
    producer.publish(
        body,
        exchange=exchange,
        routing_key=routing_key,
        serializer="json",
        delivery_mode=PERSISTENT,
        message_id=message_id,
        correlation_id=message_id,
        reply_to=reply_to,
        retry=True,
        retry_policy={"max_retries": None, "interval_start": 0.5, "interval_step": 1,
                      "interval_max": 10},
    )
