"""Text extraction of untrusted documents in a child process, with a time and memory cap.

A hostile or broken file may hang a parser, exhaust memory or crash a C library. The child
takes that risk; the worker only sees a `DocumentError` with a readable reason, and a fresh
child replaces one that was killed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import signal
from dataclasses import asdict
from multiprocessing.connection import Connection
from typing import Any

from pipeline.errors import (
    CorruptDocument,
    DocumentError,
    EncryptedDocument,
    LimitExceeded,
    MissingDependency,
    UnsupportedFormat,
)
from pipeline.extraction import ExtractionLimits, check_ocr_available, extract_text
from pipeline.metadata import extract_metadata

KILLED_TRIES = 4
CRASHED_TRIES = 2

# spawn, not fork: the parent runs threads, and a forked child could inherit a held lock
_CONTEXT = multiprocessing.get_context("spawn")
_ERRORS = {cls.__name__: cls for cls in (DocumentError, UnsupportedFormat, CorruptDocument,
                                         EncryptedDocument, LimitExceeded)}


def read_document(content: bytes, filename: str, limits: ExtractionLimits) -> dict[str, Any]:
    """Extract text and first metadata of one document (runs inside the child)."""
    extracted = extract_text(content, filename, limits)
    email = asdict(extracted.email) if extracted.email else None
    metadata = extract_metadata(extracted.text, email)
    return {
        "text": extracted.text,
        "pages": extracted.pages,
        "confidence": extracted.confidence,
        "extraction_method": extracted.method,
        "source": extracted.source,
        **metadata.as_dict(),
        # not a delivery field, but the sender directory matches on it
        "sender_address": metadata.sender_address,
    }


def _serve(conn: Connection, memory_bytes: int, ocr_language: str) -> None:
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # ask tesseract for its languages now rather than on the first scan; a failure is not
    # cached and is reported on the first document that needs OCR
    with contextlib.suppress(MissingDependency):
        check_ocr_available(ocr_language)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        content, filename, limits = request
        try:
            conn.send(("ok", read_document(content, filename, limits)))
        except DocumentError as exc:
            name = type(exc).__name__
            conn.send((name if name in _ERRORS else "DocumentError", exc.reason))
        except MissingDependency as exc:
            conn.send(("MissingDependency", str(exc)))
        except MemoryError:
            conn.send(("LimitExceeded", "the document needs more memory than allowed"))
        except Exception as exc:  # a parser bug on a hostile file is the document's fault
            conn.send(("CorruptDocument", f"the document could not be read ({type(exc).__name__}:"
                                          f" {exc})"))


class ExtractionSandbox:
    """One child process that extracts documents one at a time, replaced when killed."""

    def __init__(self, limits: ExtractionLimits, timeout: float, memory_bytes: int) -> None:
        self.limits = limits
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, daemon=True, name="courrier-extraction",
                                   args=(child, self.memory_bytes, self.limits.ocr_language))
        process.start()
        child.close()
        self._process, self._conn = process, parent
        return parent

    def warm_up(self) -> None:
        """Start the child now rather than on the first document (it takes a second or two
        to import its libraries: the first letter after a start should not wait for it)."""
        if not (self._process and self._process.is_alive()):
            self._start()

    def extract(self, content: bytes, filename: str) -> dict[str, Any]:
        """Text and metadata of one document; raises DocumentError on failure or a limit.

        A child that dies is replaced and the document tried again: a SIGKILL (an admin, a
        restart, the system's out-of-memory killer) up to `KILLED_TRIES` times, a crash of
        the child itself (a parser bug on a hostile file) up to `CRASHED_TRIES` times. Only
        then is the document blamed.
        """
        deaths: list[int | None] = []
        while True:
            conn = self._conn if self._process and self._process.is_alive() else self._start()
            try:
                conn.send((content, filename, self.limits))
                if not conn.poll(self.timeout):
                    self.close()
                    raise LimitExceeded(
                        f"reading the document took longer than {self.timeout:g} seconds"
                    )
                status, value = conn.recv()
                break
            except (EOFError, BrokenPipeError, ConnectionResetError):
                if self._process is not None:
                    self._process.join(timeout=5)  # reap it: the exit code says who killed it
                deaths.append(self._process.exitcode if self._process else None)
                self.close()
                killed = deaths[-1] == -signal.SIGKILL
                if len(deaths) >= (KILLED_TRIES if killed else CRASHED_TRIES):
                    raise LimitExceeded(
                        f"reading the document stopped the extraction process {len(deaths)} "
                        f"times (exit code {deaths[-1]}); it may need more memory than allowed"
                    ) from None
        if status == "ok":
            return value
        if status == "MissingDependency":
            raise MissingDependency(value)
        raise _ERRORS.get(status, DocumentError)(value)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
        self._process, self._conn = None, None
