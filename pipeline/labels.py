"""Labelled folders: `DIR/labels.jsonl` lists each file and what the pipeline should find."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import CourrierError


def read_labels(folder: Path) -> list[dict[str, Any]]:
    """The labels of `folder`, each with a `file` that exists; clear errors otherwise."""
    path = folder / "labels.jsonl"
    if not path.is_file():
        raise CourrierError(f"{path} not found: a labelled folder needs a labels.jsonl")
    labels = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CourrierError(f"{path}:{number}: not valid JSON ({exc})") from None
        if "file" not in label or not (folder / label["file"]).is_file():
            raise CourrierError(f"{path}:{number}: file {label.get('file')!r} not found")
        labels.append(label)
    return labels
