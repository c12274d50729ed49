"""A kombu transport that keeps queues in a local SQLite file: the embedded broker.

`courrier run` on one machine needs no server. kombu's own virtual transports do not fit:
`memory://` cannot cross processes (services consume from another process), `filesystem://`
lists the whole folder on every read and can hand a half-written file to a reader, and
`sqla+sqlite://` pulls in SQLAlchemy and measured 80 msg/s here. This one is a plain table
in WAL mode: a put is one INSERT, a get one atomic DELETE … RETURNING, so several processes
on the same machine share the queues safely.

Exchanges and bindings live in the process's memory, shared by all its connections to the
same file: every process declares the topology it publishes to (`pipeline.queues` does).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from queue import Empty
from typing import Any

from kombu.transport import virtual
from kombu.transport.virtual.base import BrokerState
from kombu.utils.json import dumps, loads

# kombu gives each connection its own state; a publisher on one connection must see the
# bindings declared on another, so connections to one file share theirs
_STATES: dict[str, BrokerState] = {}
_STATES_LOCK = threading.Lock()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (queue, id);
"""


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
    # an idle consumer sees a new message within this delay (kombu's default is 1 s)
    polling_interval = 0.02
    driver_type = "sqlite"
    driver_name = "sqlite3"

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        path = str(Path(client.transport_options.get("path", "")).resolve())
        with _STATES_LOCK:
            self.state = _STATES.setdefault(path, BrokerState())

    def driver_version(self) -> str:
        return sqlite3.sqlite_version
