"""Finding dropped files in the inboxes, and taking them into the register.

watchdog events are only hints that something changed: a full listing at start-up and a
periodic rescan find what events missed, and a file is taken only when its size and mtime
have stayed the same for a delay (a scanner or a network copy may still be writing it).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from pipeline.config import Commune
from pipeline.messages import extract_job
from pipeline.register import Arrival, Register
from pipeline.store import DocumentStore

log = logging.getLogger(__name__)

# names of files still being written or that belong to another program
IGNORED_PATTERNS = ("~$*", "*.part", "*.tmp", "*.crdownload", "*.partial", "*.swp", "Thumbs.db",
                    "desktop.ini")


def is_ignored(relative: Path) -> bool:
    """True for temporary and hidden names, in the file or any folder above it."""
    for part in relative.parts:
        if part.startswith("."):
            return True
    name = relative.name
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_PATTERNS)


@dataclass
class _Observation:
    size: int
    mtime_ns: int
    since: float


class StabilityGate:
    """A file is ready once its size and mtime have not changed for `delay` seconds."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.clock = clock
        self._seen: dict[Path, _Observation] = {}

    def observe(self, path: Path, size: int, mtime_ns: int) -> bool:
        """Record what `path` looks like now; True when it has been stable long enough."""
        now = self.clock()
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime_ns) != (size, mtime_ns):
            self._seen[path] = _Observation(size, mtime_ns, now)
            return self.delay <= 0
        return now - seen.since >= self.delay

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def __len__(self) -> int:
        return len(self._seen)


def source_kind(filename: str) -> str:
    return "email" if filename.lower().endswith(".eml") else "scan"


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (an old Windows share) become �."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def take_file(
    path: Path,
    commune: Commune,
    register: Register,
    store: DocumentStore,
    mtime_ns: int,
    max_bytes: int,
) -> Arrival:
    """Copy a stable file into the store, register it, then remove it from the inbox.

    The file leaves the inbox only after the registration is committed, so a crash
    in between finds it again; the register recognises the same arrival. A file larger
    than `max_bytes` is registered and set aside in quarantine without being read.
    """
    sha256, size = store.put_file(path)
    filename = display_name(path.name)
    refused = None
    if size > max_bytes:
        refused = (f"the file is too large to be read ({size / 1e6:.0f} MB; the limit is "
                   f"{max_bytes / 1e6:.0f} MB)")
    arrival = register.register_arrival(
        commune=commune.id,
        filename=filename,
        source_path=display_name(path.relative_to(commune.inbox).as_posix()),
        mtime_ns=mtime_ns,
        size=size,
        sha256=sha256,
        source=source_kind(filename),
        ocr_message=extract_job(commune=commune.id, filename=filename, sha256=sha256),
        refused=refused,
    )
    path.unlink(missing_ok=True)
    register.mark_left_inbox(arrival.item_id)
    return arrival


class _Hints(FileSystemEventHandler):
    """Turns watchdog events into paths worth a look."""

    def __init__(self, watcher: InboxWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        for attribute in ("src_path", "dest_path"):
            value = getattr(event, attribute, "")
            if value:
                self.watcher.hint(Path(os.fsdecode(value)))


class InboxWatcher:
    """Watches one commune's inbox and hands each stable file to `on_ready`."""

    def __init__(
        self,
        commune: Commune,
        on_ready: Callable[[Commune, Path, int], None],
        *,
        stable_seconds: float,
        rescan_seconds: float,
        polling: bool = False,
        poll_seconds: float = 2.0,
        tick_seconds: float = 0.2,
    ) -> None:
        self.commune = commune
        self.on_ready = on_ready
        self.gate = StabilityGate(stable_seconds)
        self.rescan_seconds = rescan_seconds
        self.tick_seconds = min(tick_seconds, max(stable_seconds / 2, 0.05))
        self.polling = polling
        self.poll_seconds = poll_seconds
        self._candidates: set[Path] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()

    def hint(self, path: Path) -> None:
        with self._lock:
            self._candidates.add(path)
        self._wake.set()

    def rescan(self) -> int:
        """List the whole inbox (sub-folders included); return how many files were found."""
        found = 0
        for folder, dirs, files in os.walk(self.commune.inbox):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                self.hint(Path(folder) / name)
                found += 1
        return found

    def run(self, stop: threading.Event) -> None:
        """Watch until `stop` is set. Never raises for one bad file."""
        self.commune.inbox.mkdir(parents=True, exist_ok=True)
        observer = (PollingObserver(timeout=self.poll_seconds) if self.polling else Observer())
        observer.schedule(_Hints(self), str(self.commune.inbox), recursive=True)
        observer.start()
        try:
            next_rescan = 0.0
            while not stop.is_set():
                if time.monotonic() >= next_rescan:
                    self.rescan()
                    next_rescan = time.monotonic() + self.rescan_seconds
                self._check_candidates()
                self._wake.wait(self.tick_seconds)
                self._wake.clear()
        finally:
            observer.stop()
            observer.join()

    def _check_candidates(self) -> None:
        with self._lock:
            candidates = list(self._candidates)
        for path in candidates:
            keep = self._check(path)
            if not keep:
                with self._lock:
                    self._candidates.discard(path)
                self.gate.forget(path)

    def _check(self, path: Path) -> bool:
        """Look at one candidate; False once it needs no more looking at."""
        try:
            relative = path.relative_to(self.commune.inbox)
        except ValueError:
            return False
        if is_ignored(relative):
            return False
        try:
            stat = path.stat()
        except FileNotFoundError:
            return False  # vanished (renamed away or deleted) before it was taken
        except OSError as exc:
            log.warning("cannot look at %s: %s", path, exc)
            return True
        if not path.is_file():
            return False
        if not self.gate.observe(path, stat.st_size, stat.st_mtime_ns):
            return True
        try:
            self.on_ready(self.commune, path, stat.st_mtime_ns)
        except FileNotFoundError:
            return False
        except PermissionError as exc:
            # a file still locked by the program writing it: try again on a later tick
            log.warning("cannot take %s yet: %s", path, exc)
            self.gate.forget(path)
            return True
        except Exception:
            # one bad file never stops the watcher; it stays in the inbox and is retried
            log.exception("taking %s failed; it stays in the inbox", path)
            self.gate.forget(path)
            return True
        return False
