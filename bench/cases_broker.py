"""Case `broker`: small persistent messages through the embedded SQLite transport and,
when one answers, RabbitMQ; published all first, then consumed, each way timed apart.

Messages go through the pipeline's own `open_connection`, `declare` and `publish`, and are
consumed as its workers consume them (prefetch 1, an ack per message), so the figure is the
ceiling of the pipeline's hops, not of the broker in the abstract.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.common import WORK_DIR, log, summary

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"


def _reachable(url: str) -> str | None:
    """None when something listens at the URL's host and port, else why not."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 5672
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return f"no broker reachable at {host}:{port} ({exc.strerror or exc})"


def _one_run(url: str, messages: int) -> dict[str, Any]:
    from kombu import Consumer

    from pipeline.queues import Topology, declare, new_producer, open_connection, publish

    # a service queue of our own, declared as the pipeline declares its queues (a quorum
    # queue with a delivery limit on RabbitMQ), so that a real broker's other queues are
    # never touched: courrier.bench.<random>, key bench.<random> on the services' exchange
    service = uuid.uuid4().hex[:8]
    queue = Topology(url, ["bench"], [service]).service_queue("bench", service)
    exchange, key = queue.exchange, queue.routing_key
    body = {"kind": "extract", "item_id": 0, "reg": "2026-000000", "commune": "bench",
            "filename": "0001-courrier.pdf", "sha256": "0" * 64}
    with open_connection(url) as connection:
        connection.ensure_connection(max_retries=3)
        declare(connection, [queue])
        server = connection.connection.server_properties if url.startswith("amqp") else {}
        producer = new_producer(connection)
        started = time.perf_counter()
        for number in range(messages):
            publish(producer, {**body, "item_id": number}, exchange=exchange, routing_key=key,
                    message_id=f"{number}:bench")
        publish_s = time.perf_counter() - started

        received = 0

        def on_message(_body: dict[str, Any], message: Any) -> None:
            nonlocal received
            message.ack()
            received += 1

        channel = connection.channel()
        try:
            consumer = Consumer(channel, queues=[queue], callbacks=[on_message],
                                accept=["json"], prefetch_count=1)
            started = time.perf_counter()
            with consumer:
                deadline = time.monotonic() + 300
                while received < messages and time.monotonic() < deadline:
                    try:
                        connection.drain_events(timeout=2)
                    except TimeoutError:
                        continue
            consume_s = time.perf_counter() - started
        finally:
            queue(connection.default_channel).delete()
            channel.close()
    if received < messages:
        raise RuntimeError(f"only {received} of {messages} messages came back")
    version = server.get("version") if server else None
    return {"publish_per_s": messages / publish_s, "consume_per_s": messages / consume_s,
            "server_version": version.decode() if isinstance(version, bytes) else version}


def _measure(url: str, messages: int, repeat: int, label: str) -> dict[str, Any]:
    runs = []
    for number in range(1, repeat + 1):
        run = _one_run(url, messages)
        log(f"  {label} run {number}/{repeat}: publish {run['publish_per_s']:.0f} msg/s, "
            f"consume {run['consume_per_s']:.0f} msg/s")
        runs.append(run)
    return {"publish_per_s": summary(r["publish_per_s"] for r in runs),
            "consume_per_s": summary(r["consume_per_s"] for r in runs),
            "server_version": runs[-1]["server_version"]}


def case_broker(*, messages: int, repeat: int, amqp_url: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "messages": messages,
        "method": "pipeline.queues Topology/open_connection/declare/new_producer/publish "
                  "(persistent JSON, mandatory, as the pipeline sends them; on RabbitMQ a "
                  "quorum queue and publisher confirms, each publish waiting for its "
                  "confirm); all published, then all consumed with prefetch 1 and one ack "
                  "per message",
    }
    scratch = Path(tempfile.mkdtemp(prefix="broker-", dir=WORK_DIR))
    try:
        log(f"broker: {messages} messages through the embedded sqlite transport")
        result["embedded"] = _measure(f"sqlite://{scratch / 'queues.db'}", messages, repeat,
                                      "embedded")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    why_not = _reachable(amqp_url)
    parsed = urlparse(amqp_url)
    shown_url = f"amqp://{parsed.hostname}:{parsed.port or 5672}"  # no credentials in results
    if why_not:
        result["rabbitmq"] = {"skipped": why_not}
    else:
        log(f"broker: {messages} messages through RabbitMQ")
        try:
            result["rabbitmq"] = {"url": shown_url,
                                  **_measure(amqp_url, messages, repeat, "rabbitmq")}
        except Exception as exc:  # a refused login or a broken broker: record and go on
            result["rabbitmq"] = {"skipped": f"RabbitMQ did not work: {type(exc).__name__}: "
                                             f"{exc}"}
    return result
