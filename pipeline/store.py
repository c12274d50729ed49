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


def write_durably(path: Path, content: bytes) -> None:
    """Write a whole file or nothing: a temporary name, fsync, then rename over `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".courrier-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # the rename is only durable once the directory entry itself reaches the disk
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
