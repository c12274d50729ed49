"""The watcher takes a file only once it is whole, and ignores temporary names."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pipeline.config import Commune
from pipeline.intake import InboxWatcher, StabilityGate, is_ignored
from tests.conftest import wait_until


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_ready_only_after_the_delay_without_change() -> None:
    clock = FakeClock()
    gate = StabilityGate(2.0, clock)
    path = Path("scan.pdf")
    assert not gate.observe(path, 100, 1)
    clock.now = 1.9
    assert not gate.observe(path, 100, 1)
    clock.now = 2.0
    assert gate.observe(path, 100, 1)


def test_a_growing_file_restarts_the_delay() -> None:
    clock = FakeClock()
    gate = StabilityGate(2.0, clock)
    path = Path("scan.pdf")
    gate.observe(path, 100, 1)
    clock.now = 1.5
    assert not gate.observe(path, 200, 2)  # still being written
    clock.now = 3.0
    assert not gate.observe(path, 200, 2)  # only 1.5 s since the last change
    clock.now = 3.5
    assert gate.observe(path, 200, 2)


def test_a_touched_file_restarts_the_delay() -> None:
    clock = FakeClock()
    gate = StabilityGate(1.0, clock)
    path = Path("scan.pdf")
    gate.observe(path, 100, 1)
    clock.now = 0.9
    assert not gate.observe(path, 100, 5)  # same size, new mtime
    clock.now = 1.5
    assert not gate.observe(path, 100, 5)
    clock.now = 2.0
    assert gate.observe(path, 100, 5)


def test_forget_starts_over() -> None:
    clock = FakeClock()
    gate = StabilityGate(1.0, clock)
    path = Path("scan.pdf")
    gate.observe(path, 1, 1)
    clock.now = 5
    gate.forget(path)
    assert not gate.observe(path, 1, 1)
    assert len(gate) == 1


@pytest.mark.parametrize("name", [
    "~$lettre.docx", "scan.pdf.part", "copie.tmp", ".hidden.pdf", "download.crdownload",
    ".sync/scan.pdf", "Thumbs.db",
])
def test_temporary_and_hidden_names_are_ignored(name: str) -> None:
    assert is_ignored(Path(name))


@pytest.mark.parametrize("name", [
    "scan.pdf", "Déclaration préalable – abri.pdf", "sous-dossier/lettre 2.png", "✉ courrier.eml",
])
def test_ordinary_names_are_taken(name: str) -> None:
    assert not is_ignored(Path(name))


def _watch(inbox: Path, stable: float, **options) -> tuple[
        InboxWatcher, list[tuple[Path, bytes]], threading.Event, threading.Thread]:
    taken: list[tuple[Path, bytes]] = []

    def on_ready(commune: Commune, path: Path, mtime_ns: int) -> None:
        taken.append((path, path.read_bytes()))
        path.unlink()

    commune = Commune(id="test", name="Test", inbox=inbox, routing=None)  # type: ignore[arg-type]
    options = {"rescan_seconds": 1.0, **options}
    watcher = InboxWatcher(commune, on_ready, stable_seconds=stable, **options)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    return watcher, taken, stop, thread


def test_a_file_written_slowly_is_taken_once_and_whole(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher, taken, stop, thread = _watch(inbox, stable=0.6)
    try:
        chunks = [bytes([n]) * 1000 for n in range(10)]
        with (inbox / "slow.pdf").open("wb") as handle:
            for chunk in chunks:  # 10 chunks over ~2.5 s, each gap shorter than the delay
                handle.write(chunk)
                handle.flush()
                time.sleep(0.25)
                assert not taken, "taken while still being written"
        wait_until(lambda: taken, 10, "the file to be taken")
        time.sleep(1.5)
        assert len(taken) == 1
        assert taken[0][1] == b"".join(chunks)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_files_in_sub_folders_and_missed_events_are_found_by_the_rescan(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "service" / "2026").mkdir(parents=True)
    (inbox / "service" / "2026" / "déjà là.pdf").write_bytes(b"before start")
    (inbox / "~$lock.docx").write_bytes(b"office lock file")
    watcher, taken, stop, thread = _watch(inbox, stable=0.2)
    try:
        wait_until(lambda: taken, 10, "the file present at start-up")
        assert [p.name for p, _ in taken] == ["déjà là.pdf"]
        assert (inbox / "~$lock.docx").exists()
    finally:
        stop.set()
        thread.join(5)


def test_polling_mode_finds_files_on_shares_that_send_no_events(tmp_path: Path) -> None:
    # no rescan during the test: only the stat-polling observer can see the new file
    inbox = tmp_path / "share"
    inbox.mkdir()
    watcher, taken, stop, thread = _watch(inbox, stable=0.2, rescan_seconds=3600,
                                          polling=True, poll_seconds=0.3)
    try:
        time.sleep(0.5)  # after the start-up listing
        (inbox / "scan sur le partage.pdf").write_bytes(b"%PDF-1.4 from a share")
        wait_until(lambda: taken, 10, "the polling observer to see the file")
        assert taken[0][0].name == "scan sur le partage.pdf"
    finally:
        stop.set()
        thread.join(5)
