"""Quarantine: a document the pipeline cannot process, set aside with a note a mail agent
can read (in French and English) saying what went wrong and what to do."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from pipeline.store import DocumentStore

_UNSAFE = re.compile(r"[^\w .,()+-]+")

NOTE = """\
Courrier mis en quarantaine / Document set aside
================================================
Registre / Register : {reg}   Commune : {commune}
Fichier déposé / File dropped : {filename}
Reçu le / Received : {received_at}

Problème / Problem:
  {reason}

Que faire ? / What to do?
  FR : corrigez le document si possible (par exemple retirez le mot de passe, numérisez-le
       à nouveau), puis remettez-le en circuit avec : courrier release {reg} [FICHIER]
       Sinon, traitez ce courrier à la main : il reste inscrit au registre.
  EN : fix the document if you can (remove the password, scan it again), then put it back
       through the pipeline with: courrier release {reg} [FILE]
       Otherwise handle this letter by hand: it stays in the register.
"""


def safe_filename(name: str, limit: int = 120) -> str:
    """A display name that can never act as a path: no folders, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable())
    base = _UNSAFE.sub("_", base).strip(" .") or "document"
    return base[-limit:]


def _stem(item: dict[str, Any]) -> str:
    return f"{item.get('reg') or 'item-' + str(item['id'])}_{safe_filename(item['filename'])}"


def quarantine_document(folder: Path, store: DocumentStore, item: dict[str, Any],
                        reason: str) -> Path:
    """Copy the original bytes to `folder` with a `.txt` note beside them; return the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = _stem(item)
    target = folder / stem
    target.write_bytes(store.get(item["sha256"]))
    note = NOTE.format(reg=item.get("reg") or "-", commune=item["commune"],
                       filename=item["filename"], received_at=item["received_at"], reason=reason)
    (folder / f"{stem}.txt").write_text(note, encoding="utf-8")
    return target


def clear_quarantine(folder: Path, item: dict[str, Any]) -> None:
    """Remove a released item's copy and note from the quarantine folder."""
    stem = _stem(item)
    for path in (folder / stem, folder / f"{stem}.txt"):
        path.unlink(missing_ok=True)
