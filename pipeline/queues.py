"""Every exchange and queue of the pipeline, and how to connect to the broker.

Producers and workers take their queues from a `Topology`. The broker is a URL: the
embedded default `sqlite:///<data>/queues.db` (no server), or `amqp://user:pw@host/vhost`
for RabbitMQ when the workers run on several machines; nothing else changes between them.

On RabbitMQ every queue is a durable quorum queue whose messages go to `courrier.dead`
after `DELIVERY_LIMIT` failed deliveries, and every publish waits for the broker's confirm.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kombu import Connection, Exchange, Producer, Queue

from pipeline.errors import RetryableError
from pipeline.sqlite_transport import Transport as SqliteTransport

# internal work: register node → workers → register node
WORK_EXCHANGE = Exchange("courrier.work", type="direct", durable=True)
# services: the routing decision lands in courrier.<commune>.<service>
SERVICE_EXCHANGE = Exchange("courrier", type="topic", durable=True)
# services acknowledge what they took by publishing here (named in each message's reply_to)
RECEIPTS_EXCHANGE = Exchange("courrier.receipts", type="direct", durable=True)
RECEIPT_KEY = "receipt"
# messages that failed DELIVERY_LIMIT times (RabbitMQ only)
DEAD_LETTER_EXCHANGE = Exchange("courrier.dead", type="fanout", durable=True)
DELIVERY_LIMIT = 5
PERSISTENT = 2


def is_embedded(url: str) -> bool:
    return url.startswith("sqlite://")


class Topology:
    """The queues for one broker: the same names everywhere, RabbitMQ's arguments on AMQP."""

    def __init__(self, broker_url: str, communes: Iterable[str], services: Iterable[str]) -> None:
        self.amqp = not is_embedded(broker_url)
        self.communes = list(communes)
        self.services = list(services)
        self.ocr = self._queue("courrier.ocr", WORK_EXCHANGE, "ocr")
        self.route = self._queue("courrier.route", WORK_EXCHANGE, "route")
        self.results = self._queue("courrier.results", WORK_EXCHANGE, "results")
        self.receipts = self._queue("courrier.receipts", RECEIPTS_EXCHANGE, RECEIPT_KEY)
        self.dead = (Queue("courrier.dead", DEAD_LETTER_EXCHANGE, durable=True,
                           queue_arguments={"x-queue-type": "quorum"}) if self.amqp else None)

    def _queue(self, name: str, exchange: Exchange, routing_key: str) -> Queue:
        arguments = {}
        if self.amqp:
            arguments = {"x-queue-type": "quorum", "x-delivery-limit": DELIVERY_LIMIT,
                         "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name}
        return Queue(name, exchange, routing_key=routing_key, durable=True,
                     queue_arguments=arguments)

    def service_queue(self, commune: str, service: str) -> Queue:
        """The durable queue a service of a commune consumes."""
        return self._queue(f"courrier.{commune}.{service}", SERVICE_EXCHANGE,
                           f"{commune}.{service}")

    def all(self) -> list[Queue]:
        """Every queue, for the register node to declare."""
        queues = [self.ocr, self.route, self.results, self.receipts,
                  *(self.service_queue(c, s) for c in self.communes for s in self.services)]
        return queues + ([self.dead] if self.dead is not None else [])

    def work(self) -> list[Queue]:
        """What a worker declares: the internal queues, not the services'."""
        queues = [self.ocr, self.route, self.results, self.receipts]
        return queues + ([self.dead] if self.dead is not None else [])


def open_connection(url: str) -> Connection:
    """A kombu connection for a broker URL (`sqlite:///path` or any kombu URL)."""
    if is_embedded(url):
        path = url.removeprefix("sqlite://")
        return Connection(transport=SqliteTransport, transport_options={"path": path})
    # confirm_publish: publish() returns only once the broker has the message
    return Connection(url, heartbeat=30, transport_options={"confirm_publish": True})


def declare(connection: Connection, queues: Iterable[Queue]) -> None:
    """Declare exchanges, queues and bindings (idempotent, on every connect)."""
    channel = connection.default_channel
    for queue in queues:
        queue(channel).declare()


class Unroutable(RetryableError):
    """The broker had no queue for a message published with `mandatory`."""


def new_producer(channel: Any) -> Producer:
    """A producer that notes the messages the broker returns because no queue took them.

    `channel` may be a channel or a connection. The embedded broker returns nothing (it
    routes unroutable messages to its dead-letter queue)."""
    channel = getattr(channel, "default_channel", channel)
    returned: list[tuple[str, str]] = []
    on_return = None
    if hasattr(channel, "events"):  # AMQP channels only

        def on_return(exc: Exception, exchange: str, key: str, message: Any) -> None:
            returned.append((exchange, key))

    producer = Producer(channel, on_return=on_return)
    producer.returned = returned  # type: ignore[attr-defined]
    return producer


def publish(
    producer: Producer,
    body: dict[str, Any],
    *,
    exchange: Exchange,
    routing_key: str,
    message_id: str,
    reply_to: str | None = None,
) -> None:
    """Publish one persistent JSON message, retrying while the broker reconnects.

    Raises `Unroutable` when the broker took it but no queue was bound for it (the broker
    returns it before confirming, so `returned` is filled by the time publish returns)."""
    returned: list[tuple[str, str]] = getattr(producer, "returned", [])
    before = len(returned)
    producer.publish(
        body,
        exchange=exchange,
        routing_key=routing_key,
        serializer="json",
        delivery_mode=PERSISTENT,
        message_id=message_id,
        correlation_id=message_id,
        reply_to=reply_to,
        mandatory=True,
        retry=True,
        retry_policy={"max_retries": None, "interval_start": 0.5, "interval_step": 1,
                      "interval_max": 10},
    )
    if (exchange.name, routing_key) in returned[before:]:
        raise Unroutable(f"no queue is bound to {exchange.name!r} with key {routing_key!r}")
