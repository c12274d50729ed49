"""A kombu transport that keeps queues in a local SQLite file: the embedded broker.

`courrier run` on one machine needs no server. kombu's own virtual transports do not fit:
`memory://` cannot cross processes (services consume from another process), `filesystem://`
lists the whole folder on every read and can hand a half-written file to a reader, and
`sqla+sqlite://` pulls in SQLAlchemy and measured 80 msg/s here. This one is a plain table
in WAL mode: a put is one INSERT, a get one atomic DELETE … RETURNING, so several processes
on the same machine share the queues safely.

Exchanges and bindings live in the process's memory, shared by all its connections to the
same file: every process declares the topology it publishes to (`pipeline.queues` does).

Waiting: a consumer whose queues are empty sleeps until a message is put by any connection
of its own process (woken at once) or until the next poll (for messages put by another
process). Polling alone every few milliseconds cost the OCR case of `make bench` about 8 %
of the machine's CPU: four idle consumers reading SQLite 50 times a second each.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from queue import Empty
from typing import Any

from kombu.transport import virtual
from kombu.transport.virtual.base import BrokerState
from kombu.utils.json import dumps, loads

# kombu gives each connection its own state; a publisher on one connection must see the
# bindings declared on another, so connections to one file share theirs
_STATES: dict[str, BrokerState] = {}
_SIGNALS: dict[str, PutSignal] = {}
_STATES_LOCK = threading.Lock()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (queue, id);
"""


class PutSignal:
    """Tells the consumers of one process that a message was put in the file."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0

    def notify(self) -> None:
        with self._changed:
            self.generation += 1
            self._changed.notify_all()

    def wait_after(self, generation: int, timeout: float) -> None:
        """Return once a put happened after `generation` was read, or after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != generation, timeout)


class Channel(virtual.Channel):
    """One connection's view of the queue database."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._db: sqlite3.Connection | None = None
        self._db_lock = threading.Lock()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            path = self.connection.client.transport_options.get("path")
            if not path:
                raise ValueError("the sqlite transport needs transport_options['path']")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # autocommit: each statement is its own transaction. NORMAL sync is enough here:
            # the register, not this file, is the source of truth and re-sends lost work.
            db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def _put(self, queue: str, message: dict, **kwargs: Any) -> None:
        with self._db_lock:
            self.db.execute(
                "INSERT INTO messages (queue, payload) VALUES (?, ?)", (queue, dumps(message))
            )
        self.connection.put_signal.notify()

    def _get(self, queue: str, timeout: float | None = None) -> dict:
        # look first with a plain read: idle consumers poll often, and a DELETE on an empty
        # queue would take the database's write lock every time
        with self._db_lock:
            while True:
                head = self.db.execute(
                    "SELECT id FROM messages WHERE queue = ? ORDER BY id LIMIT 1", (queue,)
                ).fetchone()
                if head is None:
                    raise Empty()
                taken = self.db.execute(
                    "DELETE FROM messages WHERE id = ? RETURNING payload", head
                ).fetchone()
                if taken is not None:  # else another process took it first: look again
                    return loads(taken[0])

    def _size(self, queue: str) -> int:
        with self._db_lock:
            (count,) = self.db.execute(
                "SELECT count(*) FROM messages WHERE queue = ?", (queue,)
            ).fetchone()
        return count

    def _purge(self, queue: str) -> int:
        with self._db_lock:
            return self.db.execute("DELETE FROM messages WHERE queue = ?", (queue,)).rowcount

    def _delete(self, queue: str, *args: Any, **kwargs: Any) -> None:
        self._purge(queue)

    def _new_queue(self, queue: str, **kwargs: Any) -> None:
        """Queues exist implicitly as rows; nothing to create."""

    def _has_queue(self, queue: str, **kwargs: Any) -> bool:
        return True

    def close(self) -> None:
        super().close()
        if self._db is not None:
            self._db.close()
            self._db = None


class Transport(virtual.Transport):
    """The embedded transport; select it with a broker URL `sqlite:///path/queues.db`."""

    Channel = Channel
    # an idle consumer sees a message put by another process within this delay (kombu's
    # default is 1 s); one put by its own process wakes it at once
    polling_interval = 0.2
    driver_type = "sqlite"
    driver_name = "sqlite3"

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        path = str(Path(client.transport_options.get("path", "")).resolve())
        with _STATES_LOCK:
            self.state = _STATES.setdefault(path, BrokerState())
            self.put_signal = _SIGNALS.setdefault(path, PutSignal())

    def drain_events(self, connection: Any, timeout: float | None = None) -> None:
        """Deliver one message; kombu's own loop would sleep a fixed delay between polls."""
        started = time.monotonic()
        while True:
            generation = self.put_signal.generation
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                waited = time.monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise TimeoutError() from None
                pause = self.polling_interval
                if timeout is not None:
                    pause = min(pause, timeout - waited)
                self.put_signal.wait_after(generation, pause)

    def driver_version(self) -> str:
        return sqlite3.sqlite_version
