"""Run the whole pipeline on a set of files and wait for each outcome (demo, eval, bench)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.runner import PipelineNode

FINAL = ("routed", "delivered", "quarantined", "duplicate")


@dataclass(frozen=True)
class BatchOutcome:
    source: Path
    dropped_as: str
    item: dict[str, Any] | None  # None when no outcome came before the deadline
    seconds: float | None  # from the drop to the final event


def drop_file(source: Path, inbox: Path, name: str) -> None:
    """Copy `source` into the inbox as a scanner would: a temporary name, then a rename."""
    partial = inbox / f"{name}.part"
    shutil.copyfile(source, partial)
    partial.rename(inbox / name)


def run_batch(
    config: Config,
    files: list[Path],
    *,
    timeout: float = 600.0,
    progress: Callable[[BatchOutcome], None] | None = None,
    ocr_processes: int | None = None,
) -> list[BatchOutcome]:
    """Start a pipeline on `config`, drop `files` into the first commune's inbox and wait
    until every one is final (routed, quarantined or duplicate) or `timeout` passes."""
    node = PipelineNode(config, ocr_processes=ocr_processes)
    node.start()
    try:
        node.wait_ready()
        assert node.register is not None
        inbox = config.default_commune.inbox
        inbox.mkdir(parents=True, exist_ok=True)
        # a data dir used before may hold letters of the same names (a second labelled
        # folder): only the items these drops register are theirs
        earlier = {row["id"] for row in node.register.progress()}
        names = _unique_names(files)
        dropped_at: dict[str, float] = {}
        for source, name in zip(files, names, strict=True):
            drop_file(source, inbox, name)
            dropped_at[name] = time.time()
        outcomes: dict[str, BatchOutcome] = {}
        deadline = time.monotonic() + timeout
        while len(outcomes) < len(files) and time.monotonic() < deadline:
            for row in node.register.progress():
                name = row["filename"]
                if (name in dropped_at and name not in outcomes and row["id"] not in earlier
                        and row["status"] in FINAL):
                    finished = _timestamp(row["updated_at"])
                    item = node.register.item(row["id"])
                    outcome = BatchOutcome(files[names.index(name)], name, item,
                                           max(0.0, finished - dropped_at[name]))
                    outcomes[name] = outcome
                    if progress:
                        progress(outcome)
            time.sleep(0.1)
        return [outcomes.get(name) or BatchOutcome(source, name, None, None)
                for source, name in zip(files, names, strict=True)]
    finally:
        node.stop()


def _unique_names(files: list[Path]) -> list[str]:
    names: list[str] = []
    for source in files:
        name = source.name
        if name in names:
            name = f"{len(names):04d}-{name}"
        names.append(name)
    return names


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
