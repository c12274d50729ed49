"""Cases `ocr` and `peer`: scanned pages through the pipeline, through bare tesseract (the
physical limit of this machine) and through ocrmypdf (what a Paperless-style setup runs).

All three read the same pages. Only the work is timed: building the PDFs for ocrmypdf and
unpacking TIFF frames and PDF scans for bare tesseract happen before the clock starts.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    WORK_DIR,
    corpus,
    fresh_dir,
    iso_ts,
    log,
    make_config,
    summary,
)


@dataclass(frozen=True)
class ScanDoc:
    """One scanned document of the corpus and its pages, ready for every contender."""

    path: Path
    kind: str
    pages: int


@dataclass(frozen=True)
class PageImage:
    """One page as bare tesseract gets it; `dpi` is passed when the file carries none."""

    path: Path
    dpi: int | None


def scan_documents(count: int, seed: int) -> list[ScanDoc]:
    """The scanned documents (PNG, JPEG, TIFF, image-only PDF) of a generated corpus."""
    folder, labels = corpus(count, seed)
    return [ScanDoc(folder / lab["file"], lab["kind"], int(lab["pages"]))
            for lab in labels if lab["format"] == "scan"]


# --- the pipeline --------------------------------------------------------------------------


def run_pipeline_ocr(docs: list[ScanDoc], run_dir: Path, config_path: Path) -> dict[str, Any]:
    """Drop the documents into a fresh pipeline; time from the first drop to the last final.

    `run_batch` starts the pipeline before it drops anything, and reports for each file the
    time from its drop to its final state; with the final time (the item's `updated_at`)
    that gives each drop time, so start-up is left out without touching its code.
    """
    from pipeline.batch import run_batch
    from pipeline.config import load_config

    config = load_config(config_path, fresh_dir(run_dir))
    outcomes = run_batch(config, [d.path for d in docs], timeout=1800)
    missing = [o.dropped_as for o in outcomes if o.item is None or o.seconds is None]
    if missing:
        raise RuntimeError(f"no outcome for {len(missing)} file(s), e.g. {missing[0]}")
    finished = [iso_ts(o.item["updated_at"]) for o in outcomes if o.item]
    dropped = [f - (o.seconds or 0.0) for f, o in zip(finished, outcomes, strict=True)]
    received = [iso_ts(o.item["received_at"]) for o in outcomes if o.item]
    wall = max(finished) - min(dropped)
    pages = sum(int(o.item["pages"] or 0) for o in outcomes if o.item)
    statuses = [o.item["status"] for o in outcomes if o.item]
    return {
        "seconds": wall,
        "pages": pages,
        "pages_per_min": pages / wall * 60,
        # the same span without the stability delay of the first file
        "seconds_from_first_received": max(finished) - min(received),
        "routed": statuses.count("routed"),
        "quarantined": statuses.count("quarantined"),
    }


# --- bare tesseract ------------------------------------------------------------------------


def prepare_pages(docs: list[ScanDoc], out_dir: Path) -> list[PageImage]:
    """Page images that tesseract reads without re-encoding work: PNG and JPEG files as
    they are; TIFF frames and the scans inside image-only PDFs as uncompressed PNM."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import Image

    fresh_dir(out_dir)
    pages: list[PageImage] = []
    for number, doc in enumerate(docs):
        stem = f"{number:03d}"
        if doc.kind in ("png", "jpeg"):
            pages.append(PageImage(doc.path, None))
        elif doc.kind == "tiff":
            with Image.open(doc.path) as im:
                for frame in range(getattr(im, "n_frames", 1)):
                    im.seek(frame)
                    target = out_dir / f"{stem}-{frame}.pnm"
                    im.save(target, "PPM")
                    dpi = im.info.get("dpi")
                    pages.append(PageImage(target, round(float(dpi[0])) if dpi else 300))
        elif doc.kind == "pdf-scan":
            pdf = pdfium.PdfDocument(doc.path)
            try:
                for index in range(len(pdf)):
                    page = pdf[index]
                    images = [o for o in page.get_objects(max_depth=1)
                              if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
                    if len(images) != 1:
                        raise RuntimeError(f"{doc.path.name} page {index + 1}: not one scan")
                    pil = images[0].get_bitmap(render=False).to_pil().convert("L")
                    width_pt = page.get_size()[0]
                    target = out_dir / f"{stem}-{index}.pnm"
                    pil.save(target, "PPM")
                    pages.append(PageImage(target, round(pil.width / (width_pt / 72))))
            finally:
                pdf.close()
        else:
            raise ValueError(f"unexpected scan kind {doc.kind}")
    return pages


def run_tesseract_pool(pages: list[PageImage], processes: int) -> dict[str, Any]:
    """`tesseract <img> - -l fra` on every page, `processes` at a time, one thread each."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: PageImage) -> None:
        extra = ["--dpi", str(page.dpi)] if page.dpi else []
        subprocess.run(["tesseract", str(page.path), "-", "-l", "fra", *extra], env=env,
                       check=True, capture_output=True)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        list(pool.map(one, pages))
    wall = time.monotonic() - started
    return {"seconds": wall, "pages": len(pages), "pages_per_min": len(pages) / wall * 60}


_ENGINE: Any = None


def _start_engine() -> None:
    global _ENGINE
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import tesserocr

    from pipeline.ocr_engine import tessdata_dir

    _ENGINE = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang="fra")


def _engine_page(page: PageImage) -> int:
    _ENGINE.SetImageFile(str(page.path))
    if page.dpi:
        _ENGINE.SetSourceResolution(page.dpi)
    return len(_ENGINE.GetUTF8Text())


def run_engine_pool(pages: list[PageImage], processes: int) -> dict[str, Any] | None:
    """The same pages through tesseract's C API (tesserocr, what the pipeline uses when it
    is installed), `processes` processes each holding one loaded model: the limit of the
    engine itself, without the pipeline. None without tesserocr."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return None
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_start_engine) as pool:
        pool.map(_engine_page, pages[:processes], chunksize=1)  # models loaded: not timed
        started = time.monotonic()
        pool.map(_engine_page, pages, chunksize=1)
        wall = time.monotonic() - started
    return {"seconds": wall, "pages": len(pages), "pages_per_min": len(pages) / wall * 60}


# --- ocrmypdf ------------------------------------------------------------------------------


def ocrmypdf_command() -> list[str] | None:
    """The ocrmypdf of this environment, else one on PATH, else None."""
    beside = Path(sys.executable).with_name("ocrmypdf")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ocrmypdf")
    return [found] if found else None


def ocrmypdf_version(command: list[str]) -> str:
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def prepare_pdfs(docs: list[ScanDoc], out_dir: Path) -> list[tuple[Path, int]]:
    """Each document as the PDF a Paperless-style setup would hand to ocrmypdf."""
    try:
        import img2pdf
    except ImportError:
        img2pdf = None
    from PIL import Image

    fresh_dir(out_dir)
    pdfs: list[tuple[Path, int]] = []
    for number, doc in enumerate(docs):
        target = out_dir / f"{number:03d}-{doc.path.stem}.pdf"
        if doc.kind == "pdf-scan":
            shutil.copyfile(doc.path, target)
        elif img2pdf is not None:
            # lossless: the PDF carries the very JPEG/PNG/G4 data of the scan
            target.write_bytes(img2pdf.convert(str(doc.path)))
        else:
            with Image.open(doc.path) as im:
                frames = [im.copy()]
                for frame in range(1, getattr(im, "n_frames", 1)):
                    im.seek(frame)
                    frames.append(im.copy())
            frames[0].save(target, "PDF", save_all=True, append_images=frames[1:],
                           resolution=300)
        pdfs.append((target, doc.pages))
    return pdfs


def run_ocrmypdf(command: list[str], pdfs: list[tuple[Path, int]], jobs: int,
                 out_dir: Path) -> dict[str, Any]:
    """One `ocrmypdf -l fra --skip-text --jobs N` call per document, one after the other.

    OMP_THREAD_LIMIT=1 is set: ocrmypdf otherwise lets tesseract start OpenMP threads when
    a document has fewer pages than jobs, which is several times slower on this machine;
    we give the peer its best setting.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    fresh_dir(out_dir)
    per_doc: list[float] = []
    started = time.monotonic()
    for source, _pages in pdfs:
        t0 = time.monotonic()
        done = subprocess.run(
            [*command, "-l", "fra", "--skip-text", "--jobs", str(jobs), "--quiet",
             str(source), str(out_dir / source.name)],
            env=env, capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"ocrmypdf failed on {source.name} (exit {done.returncode}): "
                               f"{done.stderr.strip()[-600:]}")
        per_doc.append(time.monotonic() - t0)
    wall = time.monotonic() - started
    pages = sum(p for _, p in pdfs)
    return {"seconds": wall, "pages": pages, "pages_per_min": pages / wall * 60,
            "documents": len(pdfs), "seconds_per_document_median": statistics.median(per_doc)}


# --- the cases -----------------------------------------------------------------------------


def _logged(label: str, number: int, repeat: int, run: dict[str, Any]) -> dict[str, Any]:
    log(f"  {label} run {number}/{repeat}: {run['pages']} pages in {run['seconds']:.1f} s "
        f"= {run['pages_per_min']:.1f} pages/min")
    return run


def _repeat(label: str, repeat: int, once: Callable[[int], dict[str, Any]]) -> list[dict]:
    return [_logged(label, number, repeat, once(number)) for number in range(1, repeat + 1)]


def case_ocr_and_peer(*, count: int, seed: int, repeat: int, cores: int,
                      with_ocr: bool, with_peer: bool) -> dict[str, dict[str, Any]]:
    """Both OCR cases on one set of scans.

    The pipeline and bare tesseract run back to back within each repeat, so that both see
    the same load of a shared machine; their ratio is taken per repeat. ocrmypdf, much
    slower, runs after all of them.
    """
    docs = scan_documents(count, seed)
    pages_total = sum(d.pages for d in docs)
    log(f"OCR input: {len(docs)} scanned documents, {pages_total} pages "
        f"(corpus --count {count} --seed {seed})")
    config_path = make_config(WORK_DIR / "config" / "bench.toml")
    scratch = Path(tempfile.mkdtemp(prefix="ocr-", dir=WORK_DIR))
    results: dict[str, dict[str, Any]] = {}
    try:
        pages = prepare_pages(docs, scratch / "pages") if with_ocr else []
        pipeline_runs: list[dict[str, Any]] = []
        raw_runs: list[dict[str, Any]] = []
        engine_runs: list[dict[str, Any]] = []
        for number in range(1, repeat + 1):
            load = os.getloadavg()[0]
            run = run_pipeline_ocr(docs, scratch / f"data-{number}", config_path)
            pipeline_runs.append(_logged("pipeline", number, repeat,
                                         {**run, "load_1min_at_start": round(load, 2)}))
            shutil.rmtree(scratch / f"data-{number}", ignore_errors=True)
            if with_ocr:
                raw_runs.append(_logged("bare tesseract", number, repeat,
                                        run_tesseract_pool(pages, cores)))
                engine = run_engine_pool(pages, cores)
                if engine is not None:
                    engine_runs.append(_logged("tesseract API in-process", number, repeat,
                                               engine))
        pipeline_ppm = summary(r["pages_per_min"] for r in pipeline_runs)
        if with_ocr:
            raw_ppm = summary(r["pages_per_min"] for r in raw_runs)
            ratios = summary(p["pages_per_min"] / r["pages_per_min"]
                             for p, r in zip(pipeline_runs, raw_runs, strict=True))
            results["ocr"] = {
                "documents": len(docs),
                "pages": pages_total,
                "processes": cores,
                "pipeline_pages_per_min": pipeline_ppm,
                "pipeline_seconds": summary(r["seconds"] for r in pipeline_runs),
                "pipeline_seconds_from_first_received": summary(
                    r["seconds_from_first_received"] for r in pipeline_runs),
                "pipeline_quarantined": max(r["quarantined"] for r in pipeline_runs),
                "tesseract_pages_per_min": raw_ppm,
                "tesseract_seconds": summary(r["seconds"] for r in raw_runs),
                "ratio": ratios["median"],
                "ratio_per_run": ratios,
                "ratio_of_medians": pipeline_ppm["median"] / raw_ppm["median"],
                "load_1min_at_start": [r["load_1min_at_start"] for r in pipeline_runs],
                **_engine_figures(pipeline_runs, engine_runs),
                "target": ">= 0.90 of bare tesseract (median of the per-repeat ratios)",
                "target_met": ratios["median"] >= 0.90,
                "method": "per repeat, the pipeline then bare tesseract, back to back; "
                          "pipeline: pipeline.batch.run_batch on a fresh data dir, from the "
                          "first drop to the last item final (start-up excluded); bare: "
                          "`tesseract <img> - -l fra` per page, OMP_THREAD_LIMIT=1, one "
                          "process per core, PNG/JPEG as they are, TIFF frames and PDF "
                          "scans as PNM (preparation not timed); ratio per repeat, median "
                          "of the ratios",
            }
        if with_peer:
            results["peer"] = _peer(docs, scratch, repeat, cores, pipeline_ppm["median"])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def _engine_figures(pipeline_runs: list[dict[str, Any]],
                    engine_runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The pipeline against the engine it runs (tesserocr in-process), when installed."""
    if not engine_runs:
        return {"engine": "tesserocr is not installed: the pipeline runs the command"}
    return {
        "engine_pages_per_min": summary(r["pages_per_min"] for r in engine_runs),
        "ratio_to_engine_per_run": summary(
            p["pages_per_min"] / e["pages_per_min"]
            for p, e in zip(pipeline_runs, engine_runs, strict=True)),
        "engine": "tesseract's C API through tesserocr, one process per core, each with "
                  "its model loaded before timing, the same page files",
    }


def _peer(docs: list[ScanDoc], scratch: Path, repeat: int, cores: int,
          pipeline_ppm: float) -> dict[str, Any]:
    command = ocrmypdf_command()
    if command is None:
        return {"skipped": "ocrmypdf is not installed (see bench/README.md: pip install -r "
                           "bench/requirements.txt, and Ghostscript from apt)"}
    try:
        version = ocrmypdf_version(command)
        pdfs = prepare_pdfs(docs, scratch / "pdfs")
        runs = _repeat("ocrmypdf", repeat,
                       lambda n: run_ocrmypdf(command, pdfs, cores, scratch / f"ocrmypdf-{n}"))
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        return {"skipped": f"ocrmypdf could not run: {exc}"}
    peer_ppm = summary(r["pages_per_min"] for r in runs)
    ratio = pipeline_ppm / peer_ppm["median"]
    return {
        "ocrmypdf_version": version,
        "documents": len(pdfs),
        "pages": sum(p for _, p in pdfs),
        "ocrmypdf_pages_per_min": peer_ppm,
        "ocrmypdf_seconds": summary(r["seconds"] for r in runs),
        "ocrmypdf_seconds_per_document": summary(
            r["seconds_per_document_median"] for r in runs),
        "pipeline_pages_per_min_median": pipeline_ppm,
        "ratio": ratio,
        "target": ">= 2x ocrmypdf",
        "target_met": ratio >= 2.0,
        "method": f"`ocrmypdf -l fra --skip-text --jobs {cores}` once per document, one "
                  "document after the other, OMP_THREAD_LIMIT=1; images made PDFs with "
                  "img2pdf beforehand (not timed); default output (PDF/A via Ghostscript)",
    }
