"""The register: gapless numbers per commune and year, duplicates, one transaction per step,
idempotent steps, and an outbox that re-sends unfinished work."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

from pipeline.register import Register


def arrive(register: Register, content: bytes, name: str = "scan.pdf", commune: str = "a",
           mtime_ns: int = 1):
    sha = hashlib.sha256(content).hexdigest()
    return register.register_arrival(
        commune=commune, filename=name, source_path=name, mtime_ns=mtime_ns, size=len(content),
        sha256=sha, source="scan", ocr_message={"commune": commune, "attach_sha256": sha},
    )


@pytest.fixture
def register(tmp_path: Path) -> Register:
    reg = Register(tmp_path / "courrier.db")
    yield reg
    reg.close()


def test_numbers_are_gapless_per_commune(register: Register) -> None:
    regs_a = [arrive(register, f"a{n}".encode(), f"a{n}.pdf").reg for n in range(3)]
    regs_b = [arrive(register, f"b{n}".encode(), f"b{n}.pdf", commune="b").reg for n in range(2)]
    assert [r[-6:] for r in regs_a] == ["000001", "000002", "000003"]
    assert [r[-6:] for r in regs_b] == ["000001", "000002"]
    assert all(re.fullmatch(r"\d{4}-\d{6}", r) for r in regs_a + regs_b)


def test_registration_writes_item_event_and_outbox_together(register: Register) -> None:
    arrival = arrive(register, b"letter")
    item = register.item(arrival.item_id)
    assert item["status"] == "received"
    assert [e["stage"] for e in register.events(arrival.item_id)] == ["received"]
    [message] = register.pending_outbox()
    assert message.kind == "extract"
    assert message.msg_id == f"{arrival.item_id}:extract"
    assert message.payload["reg"] == arrival.reg


def test_same_bytes_again_is_a_duplicate_linked_to_the_original(register: Register) -> None:
    first = arrive(register, b"same letter", "one.pdf")
    again = arrive(register, b"same letter", "two.pdf", mtime_ns=2)
    assert again.outcome == "duplicate"
    assert again.reg is None
    assert again.duplicate_of == first.reg
    assert register.item(again.item_id)["duplicate_of"] == first.item_id
    assert [e["stage"] for e in register.events(again.item_id)] == ["duplicate"]
    assert len(register.pending_outbox()) == 1  # the duplicate is not processed again


def test_the_same_arrival_seen_again_after_a_crash_is_not_registered_twice(
        register: Register) -> None:
    first = arrive(register, b"letter", "scan.pdf", mtime_ns=7)
    again = arrive(register, b"letter", "scan.pdf", mtime_ns=7)
    assert again.outcome == "already-registered"
    assert again.item_id == first.item_id
    assert len(register.items()) == 1


def test_each_step_is_recorded_once_even_if_its_message_comes_twice(register: Register) -> None:
    item_id = arrive(register, b"letter").item_id
    fields = {"pages": 1, "extraction_method": "text-layer", "confidence": None}
    assert register.record_extraction(item_id, fields, {"text": "x"})
    assert not register.record_extraction(item_id, fields, {"text": "x"})
    decision = {"service": "finances", "explanation": "rule", "doc_type": "facture"}
    assert register.record_routing(item_id, decision, [("finances", {"service": "finances"})])
    assert not register.record_routing(item_id, decision, [])
    assert [e["stage"] for e in register.events(item_id)] == ["received", "extracted", "routed"]
    assert [m.kind for m in register.pending_outbox()] == ["extract", "route", "deliver:finances"]
    assert json.loads(register.item(item_id)["decision"])["service"] == "finances"


def test_unfinished_work_is_sent_again_after_a_restart(register: Register) -> None:
    done = arrive(register, b"done").item_id
    waiting = arrive(register, b"waiting").item_id
    for message in register.pending_outbox():
        register.mark_sent(message.id)
    register.record_extraction(done, {"pages": 1}, {})
    for message in register.pending_outbox():
        register.mark_sent(message.id)
    assert register.pending_outbox() == []
    assert register.resend_unfinished() == 2  # waiting's extract, done's route
    assert {(m.item_id, m.kind) for m in register.pending_outbox()} == {
        (waiting, "extract"), (done, "route")}


def test_a_failed_transaction_leaves_no_trace(register: Register, monkeypatch) -> None:
    def broken_enqueue(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(register, "_enqueue", broken_enqueue)
    with pytest.raises(sqlite3.OperationalError):
        arrive(register, b"letter")
    monkeypatch.undo()
    assert register.items() == []
    assert arrive(register, b"letter").reg.endswith("-000001")  # the number was not consumed


def test_migrations_run_once(tmp_path: Path) -> None:
    Register(tmp_path / "x.db").close()
    again = Register(tmp_path / "x.db")
    rows = list(again.db["_migrations"].rows)
    assert [r["name"] for r in rows] == ["0001_initial_schema", "0002_left_inbox",
                                         "0003_corrections", "0004_outbox_by_item",
                                         "0005_contacts"]
    again.close()
