"""Shared pieces of the benchmark: inputs, configs, clocks, statistics, process sampling.

Inputs come from the project's own corpus generator so that the benchmark reads the same
kind of mail as the tests and the demo. Generating scans is slow (about 0.5 s a page), so a
generated corpus is cached under `bench/work/` by (count, seed): the generator is
deterministic, so a cached copy is byte-identical to a fresh one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.config import DEFAULT_CONFIG

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "work"  # git-ignored

# what the bench configs change from config/courrier.toml, and why (see make_config)
BENCH_STABLE_SECONDS = 0.2


def log(message: str) -> None:
    """Progress on stderr, so that stdout keeps only the final table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- inputs ------------------------------------------------------------------------------


def corpus(count: int, seed: int) -> tuple[Path, list[dict[str, Any]]]:
    """A generated corpus (its folder and labels), from the cache when already there."""
    from samples.generate import generate  # numpy/reportlab: only when a corpus is needed

    folder = WORK_DIR / f"corpus-{count}-{seed}"
    labels_path = folder / "labels.jsonl"
    if labels_path.exists():
        labels = [json.loads(line) for line in labels_path.read_text("utf-8").splitlines()]
        if len(labels) == count and all((folder / lab["file"]).exists() for lab in labels):
            return folder, labels
    log(f"generating a corpus of {count} documents (seed {seed}) in {rel(folder)}")
    started = time.monotonic()
    labels = generate(folder, count, seed)
    log(f"  generated in {time.monotonic() - started:.0f} s")
    return folder, labels


def unique_copies(sources: list[Path], count: int, out_dir: Path) -> list[Path]:
    """`count` files cycling through `sources`, each with different bytes.

    The register treats the same bytes dropped twice as one item plus a `duplicate`, so a
    benchmark that needs more items than the corpus has must make each copy distinct. A
    PDF gets a comment after its end marker (readers ignore trailing bytes); an e-mail gets
    one extra header line at the top. Neither changes the text that is extracted or routed.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    copies: list[Path] = []
    for index in range(count):
        source = sources[index % len(sources)]
        data = source.read_bytes()
        if source.suffix.lower() == ".pdf":
            data += f"\n%courrier-bench copy {index}\n".encode()
        elif source.suffix.lower() == ".eml":
            newline = b"\r\n" if b"\r\n" in data[:2000] else b"\n"
            data = f"X-Courrier-Bench: copy {index}".encode() + newline + data
        else:
            raise ValueError(f"no way to make a distinct copy of {source.name}")
        target = out_dir / f"{index:05d}-{source.name}"
        target.write_bytes(data)
        copies.append(target)
    return copies


# --- configs -----------------------------------------------------------------------------


def make_config(path: Path, *, max_pages: int | None = None,
                timeout_seconds: int | None = None) -> Path:
    """Write a copy of the default config with `stable_seconds = 0.2` (and, when given,
    `max_pages` and the per-document `timeout_seconds`).

    The default 1 s stability delay is a safety margin for slow network copies, not work;
    a benchmark of throughput and latency after stability should not wait on it.
    """
    text = DEFAULT_CONFIG.read_text("utf-8")
    changes = {"stable_seconds": BENCH_STABLE_SECONDS, "max_pages": max_pages,
               "timeout_seconds": timeout_seconds}
    for key, value in changes.items():
        if value is None:
            continue
        text, found = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
        if found != 1:
            raise RuntimeError(f"config/courrier.toml has no single {key} line to change")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def fresh_dir(path: Path) -> Path:
    """An empty folder (a data dir must start empty, or drops become duplicates)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# --- time and statistics -----------------------------------------------------------------


def iso_ts(value: str) -> float:
    """Epoch seconds of a register timestamp (UTC ISO-8601 ending in Z)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: an observed value, never an interpolation between two."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def summary(values: Iterable[float | None]) -> dict[str, Any]:
    """Median, min and max over the repetitions of a case (None values are skipped)."""
    kept = [v for v in values if v is not None]
    if not kept:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {"median": statistics.median(kept), "min": min(kept), "max": max(kept),
            "runs": kept}


def rel(path: Path) -> str:
    """A path as shown in results and logs: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(REPO_DIR).as_posix()
    except ValueError:
        return path.name


# --- the pipeline as a separate process --------------------------------------------------


def courrier_command() -> list[str]:
    """How to start the `courrier` CLI of this interpreter's environment."""
    script = Path(sys.executable).with_name("courrier")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "pipeline.cli"]


@dataclass
class TreeSample:
    """Peaks of resident memory seen in a process tree, in bytes."""

    root_peak: int = 0
    extraction_peak: int = 0  # one extraction child (the sandbox), largest seen
    extraction_tree_peak: int = 0  # one extraction child plus its tesseract children
    tree_peak: int = 0  # everything at one instant
    samples: int = 0
    extraction_pids: set[int] = field(default_factory=set)


class TreeSampler:
    """Samples the RSS of a process and all its descendants every `interval` seconds.

    A thread, because the peaks we look for (an extraction child decoding a 60-page TIFF)
    last well under a second and a sample taken after the run would miss them.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        import psutil  # only the memory cases need it; run.py reports when it is missing

        self._psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.result = TreeSample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        """Forget the peaks so far (e.g. those of the warm-up)."""
        self.result = TreeSample()

    def _rss(self, proc: Any) -> int:
        try:
            return int(proc.memory_info().rss)
        except (self._psutil.NoSuchProcess, self._psutil.AccessDenied):
            return 0

    def _loop(self) -> None:
        psutil = self._psutil
        while not self._stop.is_set():
            try:
                children = self.root.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            result = self.result
            root = self._rss(self.root)
            total = root
            result.root_peak = max(result.root_peak, root)
            for child in children:
                try:
                    rss = self._rss(child)
                    total += rss
                    if child.ppid() != self.root.pid:
                        continue  # tesseract: counted with its parent below
                    if "spawn_main" not in " ".join(child.cmdline()):
                        continue  # multiprocessing's resource tracker, not an extraction child
                    below = sum(self._rss(p) for p in child.children(recursive=True))
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue  # a page's tesseract is short-lived: gone between two calls
                result.extraction_pids.add(child.pid)
                result.extraction_peak = max(result.extraction_peak, rss)
                result.extraction_tree_peak = max(result.extraction_tree_peak, rss + below)
            result.tree_peak = max(result.tree_peak, total)
            result.samples += 1
            self._stop.wait(self.interval)


class CourrierProcess:
    """`courrier <args>` as a child process (OMP_THREAD_LIMIT=1), stopped with SIGTERM;
    its output goes to `log_path`."""

    def __init__(self, args: list[str], log_path: Path) -> None:
        self.args = args
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> CourrierProcess:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        with self.log_path.open("wb") as log_file:
            self.proc = subprocess.Popen([*courrier_command(), *self.args],
                                         stdout=log_file, stderr=subprocess.STDOUT, env=env)
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> CourrierProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def check_alive(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            # the last line of its log says why (the traceback's paths are this machine's)
            lines = [ln for ln in self.log_path.read_text("utf-8", "replace").splitlines()
                     if ln.strip()]
            raise RuntimeError(f"courrier {self.args[0]} exited with {self.proc.returncode}: "
                               f"{lines[-1] if lines else 'no output'}")


class PipelineProcess(CourrierProcess):
    """`courrier run --data D --config C [extra]` as a child process."""

    def __init__(self, data_dir: Path, config_path: Path, log_path: Path,
                 extra: list[str] | None = None) -> None:
        super().__init__(["run", "--data", str(data_dir), "--config", str(config_path),
                          *(extra or [])], log_path)
        self.data_dir = data_dir
        self.config_path = config_path


FINAL = ("routed", "delivered", "quarantined", "duplicate")


def register_rows(db_path: Path) -> list[dict[str, Any]]:
    """Every item of a register (read by the bench while the pipeline writes it)."""
    if not db_path.exists():
        return []
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        try:
            rows = conn.execute(
                "SELECT id, filename, status, pages, service, received_at, updated_at "
                "FROM items").fetchall()
        except sqlite3.OperationalError:
            return []  # tables not created yet
        return [dict(r) for r in rows]
    finally:
        conn.close()


def routed_times(db_path: Path) -> dict[int, float]:
    """item id → epoch seconds of its `routed` event."""
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        rows = conn.execute("SELECT item_id, ts FROM events WHERE stage = 'routed'").fetchall()
    finally:
        conn.close()
    return {item_id: iso_ts(ts) for item_id, ts in rows}


def drop(source: Path, inbox: Path, name: str) -> float:
    """Copy a file into an inbox as a scanner does (temporary name, then rename); the time."""
    partial = inbox / f"{name}.part"
    shutil.copyfile(source, partial)
    partial.rename(inbox / name)
    return time.time()


def wait_final(db_path: Path, names: set[str], timeout: float,
               alive: CourrierProcess | list[CourrierProcess] | None = None,
               interval: float = 0.1) -> dict[str, dict[str, Any]]:
    """Poll the register until every file in `names` is final; their rows by file name."""
    deadline = time.monotonic() + timeout
    done: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        for row in register_rows(db_path):
            if row["filename"] in names and row["status"] in FINAL:
                done[row["filename"]] = row
        if len(done) == len(names):
            return done
        for proc in (alive if isinstance(alive, list) else [alive] if alive else []):
            proc.check_alive()
        time.sleep(interval)
    raise TimeoutError(f"{len(names) - len(done)} of {len(names)} item(s) not final after "
                       f"{timeout:g} s")
