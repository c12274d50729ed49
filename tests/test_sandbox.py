"""Extraction in a child process: a time limit, a memory cap, and a child killed from
outside replaced without blaming the document."""

from __future__ import annotations

import io
import os
import signal
import threading
import time

import pytest
from PIL import Image

from pipeline.errors import LimitExceeded
from pipeline.extraction import ExtractionLimits
from pipeline.sandbox import ExtractionSandbox
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
SCAN = next(SAMPLES.glob("mail/*-numerisation.png"))


def test_a_document_that_takes_too_long_is_stopped() -> None:
    sandbox = ExtractionSandbox(ExtractionLimits(), timeout=0.2, memory_bytes=0)
    try:
        with pytest.raises(LimitExceeded, match="longer than 0.2 seconds"):
            sandbox.extract(SCAN.read_bytes(), SCAN.name)
        # the next document gets a fresh child
        sandbox.timeout = 120
        assert sandbox.extract(b"Objet : test\nBonjour", "note.txt")["pages"] == 1
    finally:
        sandbox.close()


def test_a_document_that_needs_too_much_memory_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("L", (12000, 12000), 255).save(buffer, format="PNG")
    limits = ExtractionLimits(max_image_pixels=10**9)  # let it decode: the cap must act
    sandbox = ExtractionSandbox(limits, timeout=120, memory_bytes=400 * 1024 * 1024)
    try:
        with pytest.raises(LimitExceeded, match="memory"):
            sandbox.extract(buffer.getvalue(), "huge.png")
    finally:
        sandbox.close()


def test_a_child_killed_from_outside_is_replaced_and_the_document_read() -> None:
    sandbox = ExtractionSandbox(ExtractionLimits(), timeout=120, memory_bytes=0)
    try:
        sandbox.extract(b"warm up", "warm.txt")
        first_child = sandbox._process.pid

        def kill_soon() -> None:
            time.sleep(0.3)
            os.kill(first_child, signal.SIGKILL)

        killer = threading.Thread(target=kill_soon)
        killer.start()
        result = sandbox.extract(SCAN.read_bytes(), SCAN.name)
        killer.join()
        assert result["extraction_method"] == "ocr" and result["text"]
        assert sandbox._process.pid != first_child
    finally:
        sandbox.close()
