"""The whole pipeline as a user runs it: `courrier run` in a subprocess, every sample
dropped into the inbox, then the register, the service queues and the CLI checked."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.batch import drop_file
from pipeline.labels import read_labels
from tests.conftest import config_text, courrier, export_items, wait_until

pytestmark = pytest.mark.slow
FINAL = {"routed", "delivered", "quarantined", "duplicate"}




def all_final(config_file: Path, data_dir: Path, count: int) -> list[dict] | None:
    items = export_items(config_file, data_dir)
    if len(items) == count and all(i["status"] in FINAL for i in items):
        return items
    return None


def test_every_sample_is_registered_routed_and_consumed(
        samples_dir, config_file, data_dir, tmp_path, pipeline_process) -> None:
    labels = read_labels(samples_dir)
    assert len(labels) >= 12
    pipeline_process(config_file, data_dir)
    inbox = data_dir / "inbox"
    wait_until(inbox.is_dir, 30, "the inbox to be created")
    for label in labels:
        drop_file(samples_dir / label["file"], inbox, Path(label["file"]).name)

    items = wait_until(lambda: all_final(config_file, data_dir, len(labels)), 600,
                       "every sample to be routed")
    by_name = {item["filename"]: item for item in items}
    assert sorted(by_name) == sorted(Path(label["file"]).name for label in labels)

    # numbers: one per letter, gapless from 000001
    numbers = sorted(int(item["reg"].split("-")[1]) for item in items)
    assert numbers == list(range(1, len(labels) + 1))

    for label in labels:
        item = by_name[Path(label["file"]).name]
        assert item["status"] == "routed", (label["file"], item["quarantine_reason"])
        assert item["service"] == label["service"], (label["file"], item["events"][-1])
        stages = [e["stage"] for e in item["events"]]
        assert stages == ["received", "extracted", "routed"], (label["file"], stages)
        times = [datetime.fromisoformat(e["ts"].replace("Z", "+00:00")) for e in item["events"]]
        assert times == sorted(times)
        assert item["sha256"] and item["source"] in ("scan", "email")

    # the sender directory knows the préfecture, and routing said it weighed it
    from_prefecture = [by_name[Path(label["file"]).name] for label in labels
                       if label["sender"] == "Préfecture du Loiret"]
    assert from_prefecture
    for item in from_prefecture:
        assert item["contact"] == "Préfecture du Loiret", item["filename"]
        assert "sender Préfecture du Loiret" in item["events"][-1]["detail"]

    assert not any(p.is_file() for p in inbox.rglob("*")), "the inbox must be empty"
    routing_log = (data_dir / "log" / "routing.log").read_text(encoding="utf-8")
    assert routing_log.count(" routed ") == len(labels)

    # each service takes its mail (and its copies): a document and its metadata per item
    by_reg = {item["reg"]: item for item in items}
    expected_by_service: dict[str, dict[str, str]] = {}
    for item in items:
        expected_by_service.setdefault(item["service"], {})[item["reg"]] = "traitement"
        for copy in item["copies"]:
            expected_by_service.setdefault(copy, {})[item["reg"]] = "copie"
    for service, roles in expected_by_service.items():
        out = tmp_path / "services" / service
        result = courrier("consume", service, "--out", str(out), "--config", str(config_file),
                          "--data", str(data_dir))
        assert f"{len(roles)} item(s)" in result.stderr
        assert {p.stem for p in out.glob("*.json")} == set(roles)
        for reg, role in roles.items():
            meta = json.loads((out / f"{reg}.json").read_text(encoding="utf-8"))
            assert meta["service"] == service and meta["schema"] == "courrier.delivery/1"
            assert meta["role"] == role
            assert (out / meta["document"]).stat().st_size > 0
            if by_reg[reg]["contact"] == "Préfecture du Loiret":
                assert meta["contact"]["name"] == "Préfecture du Loiret"
        # nothing is left for a second consumer
        again = courrier("consume", service, "--config", str(config_file), "--data",
                         str(data_dir))
        assert again.stdout == ""

    # the receipts reach the register: every item shows as delivered
    wait_until(lambda: all(i["status"] == "delivered" for i in export_items(config_file, data_dir)),
               60, "receipts of the services")

    shown = courrier("show", items[0]["reg"], "--config", str(config_file), "--data",
                     str(data_dir)).stdout
    assert "delivered" in shown and items[0]["filename"] in shown


def test_two_communes_have_their_own_numbers_and_queues(
        samples_dir, tmp_path, data_dir, pipeline_process) -> None:
    config_file = tmp_path / "two.toml"
    config_file.write_text(config_text(communes=[("aubin", "inbox-aubin"),
                                                 ("brice", "inbox-brice")]), encoding="utf-8")
    quick = [label for label in read_labels(samples_dir)
             if label["format"] in ("pdf", "email") and label["service"] != "triage"][:6]
    pipeline_process(config_file, data_dir)
    wait_until(lambda: (data_dir / "inbox-brice").is_dir(), 30, "the inboxes")
    for commune, labels in (("aubin", quick[:4]), ("brice", quick[4:])):
        for label in labels:
            drop_file(samples_dir / label["file"], data_dir / f"inbox-{commune}",
                      Path(label["file"]).name)
    items = wait_until(lambda: all_final(config_file, data_dir, len(quick)), 300,
                       "the letters of both communes")
    for commune, count in (("aubin", 4), ("brice", 2)):
        regs = sorted(i["reg"] for i in items if i["commune"] == commune)
        assert [r.split("-")[1] for r in regs] == [f"{n:06d}" for n in range(1, count + 1)]
    # each commune's services see that commune's mail and nothing else
    services = {i["service"] for i in items}
    for commune in ("aubin", "brice"):
        for service in services:
            out = courrier("consume", service, "--commune", commune, "--config",
                           str(config_file), "--data", str(data_dir)).stdout
            taken = {(m["commune"], m["reg"]) for m in map(json.loads, out.splitlines())}
            assert taken == {(i["commune"], i["reg"]) for i in items
                             if i["commune"] == commune and i["service"] == service}
