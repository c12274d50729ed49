"""Content-addressed document store: the bytes of every letter under their SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class DocumentStore:
    """Files under `root/<2 hex>/<sha256>`, written durably before anything refers to them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store `content` (temporary name, fsync, rename) and return its SHA-256."""
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path_for(sha256)
        if target.exists() and target.stat().st_size == len(content):
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(content)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return sha256

    def put_file(self, source: Path, chunk_size: int = 1 << 20) -> tuple[str, int]:
        """Store a file's bytes, read in chunks (a large scan never sits whole in memory);
        return its SHA-256 and size."""
        digest = hashlib.sha256()
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        size = 0
        try:
            with os.fdopen(fd, "wb") as tmp, source.open("rb") as src:
                while chunk := src.read(chunk_size):
                    digest.update(chunk)
                    tmp.write(chunk)
                    size += len(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            sha256 = digest.hexdigest()
            target = self.path_for(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return sha256, size

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()


def _fsync_dir(folder: Path) -> None:
    # the rename is only durable once the directory entry itself reaches the disk
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
