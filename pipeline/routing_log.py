"""`log/routing.log`: one human-readable line per decision, for admins' `tail -f`."""

from __future__ import annotations

import threading
from pathlib import Path

from pipeline.clock import utc_now


class RoutingLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()

    def write(self, commune: str, reg: str | None, stage: str, target: str, filename: str,
              detail: str) -> None:
        line = (f"{utc_now()}  {commune}  {reg or '-':11}  {stage:11}  {target:20}  "
                f"{filename!r}  {detail}\n")
        with self._lock, self.path.open("a", encoding="utf-8") as log:
            log.write(line)
