"""Restarting `courrier run` on the same data dir finishes what was left and registers
nothing twice, even after a kill -9 of the whole process tree in the middle of the work."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.batch import drop_file
from pipeline.labels import read_labels
from tests.conftest import export_items, wait_until

pytestmark = pytest.mark.slow




def test_a_restart_after_kill_finishes_the_work_without_duplicates(
        samples_dir, config_file, data_dir, pipeline_process) -> None:
    labels = [label for label in read_labels(samples_dir) if label["format"] == "scan"][:8]
    first = pipeline_process(config_file, data_dir)
    inbox = data_dir / "inbox"
    wait_until(inbox.is_dir, 30, "the inbox")
    for label in labels:
        drop_file(samples_dir / label["file"], inbox, Path(label["file"]).name)
    # kill -9 once some letters are registered and before all are routed
    wait_until(lambda: any(i["status"] != "routed" for i in export_items(config_file, data_dir))
               and len(export_items(config_file, data_dir)) >= 2, 120, "work in progress")
    first.kill()
    before = export_items(config_file, data_dir)
    assert any(i["status"] != "routed" for i in before), "killed too late to test a restart"

    pipeline_process(config_file, data_dir)
    items = wait_until(
        lambda: (lambda xs: xs if len(xs) == len(labels) and all(
            i["status"] in ("routed", "quarantined") for i in xs) else None)(
            export_items(config_file, data_dir)),
        300, "the restarted pipeline to finish")

    assert sorted(i["filename"] for i in items) == sorted(Path(lb["file"]).name for lb in labels)
    assert sorted(int(i["reg"][-6:]) for i in items) == list(range(1, len(labels) + 1))
    for item in items:
        stages = [e["stage"] for e in item["events"]]
        assert stages.count("received") == 1
        assert stages.count("routed") == 1, stages
    assert not any(p.is_file() for p in inbox.rglob("*"))
