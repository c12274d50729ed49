"""Running tesseract on one prepared page, and its table of words.

In-process through tesseract's C API (the tesserocr package) when it is installed, else
the `tesseract` command through pytesseract. In-process, the language model is loaded once
per extraction process instead of once per page, and tesserocr's own build of the library
is newer than the distributions': on the bench's 300-dpi scans a page costs about 0.31 s
of one core instead of 0.46 s for the command, with the same text. The command stays the
fallback where tesserocr has no wheel; the French data comes from the system's tesseract
in both cases (`apt-get install tesseract-ocr-fra`).

Everything here runs inside the extraction child (see `pipeline.sandbox`): a crash of the
library takes the child down, which the sandbox reports and replaces.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

import pytesseract
from PIL import Image

from pipeline.errors import CorruptDocument, LimitExceeded, MissingDependency

INSTALL_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-fra"
# the columns of tesseract's TSV output, as pytesseract names them
_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left",
                "top", "width", "height", "conf", "text")


def ocr_words(page: Image.Image, language: str, dpi: int | None, timeout: float,
              label: str) -> dict[str, list[Any]]:
    """Tesseract's word table of one page (pytesseract's `Output.DICT` shape)."""
    # tesseract's OpenMP threads make a page 4-5x slower on a shared machine; throughput
    # comes from several extraction processes instead. Set before the library loads.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    engine = _engine(language)
    if engine is None:
        return _ocr_words_by_command(page, language, dpi, timeout, label)
    engine.SetImage(page)
    if dpi:
        engine.SetSourceResolution(dpi)
    try:
        if not engine.Recognize(timeout=max(1, int(timeout * 1000))):
            raise LimitExceeded(f"OCR of {label} took longer than {timeout:g} s")
        return parse_tsv(engine.GetTSVText(0))
    finally:
        engine.Clear()


def parse_tsv(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV (without its header line) as columns."""
    table: dict[str, list[Any]] = {name: [] for name in _TSV_COLUMNS}
    for line in tsv.splitlines():
        cells = line.split("\t")
        if len(cells) < len(_TSV_COLUMNS) - 1 or not cells[0].isdigit():
            continue  # the header line of the command's output, or a blank one
        cells += [""] * (len(_TSV_COLUMNS) - len(cells))
        for name, cell in zip(_TSV_COLUMNS, cells, strict=False):
            table[name].append(cell if name == "text" else float(cell) if name == "conf"
                               else int(cell))
    return table


@functools.lru_cache(maxsize=4)
def _engine(language: str) -> Any | None:
    """One tesseract API per process and language; None when tesserocr is not installed."""
    try:
        import tesserocr
    except ImportError:
        return None
    try:
        return tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=language)
    except RuntimeError as exc:
        raise MissingDependency(
            f"tesseract cannot load language {language!r} ({exc}); {INSTALL_HINT}") from exc


@dataclass(frozen=True)
class Installation:
    """The system's tesseract as `tesseract --list-langs` describes it."""

    tessdata: str
    languages: frozenset[str]


@functools.lru_cache(maxsize=1)
def installation() -> Installation:
    """Where tesseract's language data is and which languages it has: one run of the
    command per process (the language check and the in-process engine both need it)."""
    command = pytesseract.pytesseract.tesseract_cmd  # the command a user may have set
    try:
        listing = subprocess.run([command, "--list-langs"], capture_output=True, text=True,
                                 timeout=30, check=False)
    except OSError as exc:
        raise MissingDependency(f"tesseract is not installed; {INSTALL_HINT}") from exc
    except subprocess.TimeoutExpired as exc:
        raise MissingDependency(f"tesseract does not answer; {INSTALL_HINT}") from exc
    lines = (listing.stdout + listing.stderr).splitlines()
    header = next((n for n, line in enumerate(lines) if _LANGUAGES_HEADER.search(line)), None)
    if listing.returncode != 0 or header is None:
        raise MissingDependency(f"tesseract does not work (exit code {listing.returncode}: "
                                f"{' '.join(lines)[:200]}); {INSTALL_HINT}")
    return Installation(
        tessdata=_LANGUAGES_HEADER.search(lines[header])[1],
        languages=frozenset(line.strip() for line in lines[header + 1:] if line.strip()))


_LANGUAGES_HEADER = re.compile(r'languages in "(.+?)"')


def tessdata_dir() -> str:
    """The folder of the system tesseract's language data (TESSDATA_PREFIX if set)."""
    return os.environ.get("TESSDATA_PREFIX") or installation().tessdata


def _ocr_words_by_command(page: Image.Image, language: str, dpi: int | None, timeout: float,
                          label: str) -> dict[str, list[Any]]:
    """The `tesseract` command on the page, written as an uncompressed BMP in a private
    temporary directory and handed by path (pytesseract would otherwise re-encode it as
    PNG, the slowest step of the chain on a noisy scan)."""
    config = f"--dpi {dpi}" if dpi else ""
    with tempfile.TemporaryDirectory(prefix="courrier-ocr-") as tmp:
        path = os.path.join(tmp, "page.bmp")
        page.save(path, format="BMP")
        try:
            return pytesseract.image_to_data(path, lang=language, config=config,
                                             output_type=pytesseract.Output.DICT,
                                             timeout=timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise MissingDependency(f"tesseract is not installed; {INSTALL_HINT}") from exc
        except pytesseract.TesseractError as exc:
            message = str(exc.message)
            if "language" in message.lower() or "tessdata" in message.lower():
                raise MissingDependency(
                    f"tesseract cannot load language {language!r}: {message}; {INSTALL_HINT}"
                ) from exc
            raise CorruptDocument(f"OCR of {label} failed: {message or exc.status}") from exc
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise LimitExceeded(f"OCR of {label} took longer than {timeout:g} s") from exc
            raise
