"""`courrier run`: the register node (watchers, intake, outbox relay, recorder) and, unless
told otherwise, the OCR and routing workers, in one process tree.

OCR runs in one sandboxed child process per worker (one per core by default); everything
else is threads waiting on I/O.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.config import Commune, Config
from pipeline.contacts import refresh_config_contacts
from pipeline.extraction import check_ocr_available
from pipeline.intake import InboxWatcher, take_file
from pipeline.quarantine import quarantine_document
from pipeline.queues import Topology, is_embedded, open_connection
from pipeline.register import Register
from pipeline.relay import OutboxRelay
from pipeline.routing_log import RoutingLog
from pipeline.store import DocumentStore
from workers.ocr_worker import OcrWorker, make_sandbox
from workers.recorder import Recorder
from workers.route_worker import RouteWorker

log = logging.getLogger(__name__)


def supervise(target: Callable[[threading.Event], None], stop: threading.Event,
              name: str, backoff_max: float = 30.0) -> threading.Thread:
    """Run `target(stop)` in a thread, restarting it with backoff if it raises."""

    def loop() -> None:
        delay = 0.5
        while not stop.is_set():
            try:
                target(stop)
                return
            except Exception:
                log.exception("%s stopped on an error; restarting in %.1f s", name, delay)
                stop.wait(delay)
                delay = min(delay * 2, backoff_max)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread


class PipelineNode:
    """Everything `courrier run` starts; `start()`, then `stop()`."""

    def __init__(self, config: Config, broker_url: str | None = None, *,
                 with_workers: bool = True, ocr_processes: int | None = None) -> None:
        self.config = config
        self.broker_url = broker_url or config.embedded_broker_url
        self.with_workers = with_workers
        self.ocr_processes = ocr_processes or config.worker_processes()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.workers: list = []
        self.register: Register | None = None

    def start(self) -> None:
        config = self.config
        if self.with_workers:
            check_ocr_available(config.ocr_language)
        for folder in (config.store_dir, config.quarantine_dir, config.routing_log.parent):
            folder.mkdir(parents=True, exist_ok=True)
        self.register = register = Register(config.db_path)
        with register.transaction() as db:
            seeded = refresh_config_contacts(db, config.contacts)
        if seeded:
            log.info("sender directory from the config: %s", seeded)
        store = DocumentStore(config.store_dir)
        routing_log = RoutingLog(config.routing_log)
        topology = Topology(self.broker_url, [c.id for c in config.communes], config.services)
        if is_embedded(self.broker_url):
            # the embedded queues lose the messages a killed process had taken: start them
            # afresh from what the register says is unfinished (results already queued stay)
            with open_connection(self.broker_url) as connection:
                for queue in (topology.ocr, topology.route):
                    queue(connection.default_channel).purge()
            resent = register.resend_unfinished()
            if resent:
                log.info("re-sending %d unfinished message(s) from the register", resent)
        self.relay = relay = OutboxRelay(self.broker_url, topology, register, store)
        self.recorder = Recorder(self.broker_url, topology, config, register, store,
                                 routing_log, on_write=relay.wake.set)
        self.workers.append(self.recorder)
        if self.with_workers:
            for _ in range(self.ocr_processes):
                sandbox = make_sandbox(config.limits, config.ocr_language)
                self.workers.append(OcrWorker(self.broker_url, topology, sandbox))
            self.workers.append(RouteWorker(self.broker_url, topology, config))
        for number, worker in enumerate(self.workers):
            self.threads.append(worker.start_thread(f"{type(worker).__name__}-{number}"))
        self.threads.append(supervise(relay.run, self.stop_event, "relay"))

        def on_ready(commune: Commune, path: Path, mtime_ns: int) -> None:
            arrival = take_file(path, commune, register, store, mtime_ns,
                                config.limits.max_file_bytes)
            if arrival.outcome == "duplicate":
                routing_log.write(commune.id, None, "duplicate", "-", path.name,
                                  f"same content as {arrival.duplicate_of}")
            elif arrival.outcome == "quarantined":
                item = register.item(arrival.item_id)
                quarantine_document(config.quarantine_dir, store, item,
                                    item["quarantine_reason"])
                routing_log.write(commune.id, arrival.reg, "quarantined", "quarantine",
                                  path.name, item["quarantine_reason"])
            log.info("%s: %s → %s (%s)", commune.id, path.name, arrival.reg, arrival.outcome)
            relay.wake.set()

        for commune in config.communes:
            watcher = InboxWatcher(
                commune, on_ready,
                stable_seconds=config.stable_seconds, rescan_seconds=config.rescan_seconds,
                polling=config.watch_mode == "polling", poll_seconds=config.poll_seconds,
            )
            self.threads.append(supervise(watcher.run, self.stop_event, f"watch-{commune.id}"))

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until every worker is consuming (sandboxes start lazily)."""
        deadline = time.monotonic() + timeout
        for worker in self.workers:
            if not worker.ready.wait(max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"{type(worker).__name__} did not start in {timeout:g} s")

    def stop(self) -> None:
        self.stop_event.set()
        for worker in self.workers:
            worker.stop()
        for thread in self.threads:
            thread.join(timeout=10)
        if self.register is not None:
            self.register.close()

