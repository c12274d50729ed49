"""Case `scaling`: OCR throughput with 2 worker processes against 1, on the same scans.

Two set-ups, each measured with 1 and then 2 OCR processes, the two interleaved within
every repeat (the order alternates from one repeat to the next, so that a slow period of a
shared machine does not always fall on the same side):

- embedded: `courrier run --processes N` as a child process, the default SQLite queues;
- RabbitMQ (when `rabbitmqctl` and a broker answer): a register node
  `courrier run --no-workers --broker URL`, one `courrier worker route` and N separate
  `courrier worker ocr --processes 1`, each in its own working folder, on a throwaway
  vhost made for the run and deleted afterwards.

Every process is a child of the bench, which only drops the files and reads the register
every 250 ms. Each run starts from fresh folders, waits until the workers consume, routes
two born-digital items as a warm-up, then drops every scan at once: the time runs from the
first drop to the last item final (its `updated_at` in the register).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from bench.cases_flow import born_digital_sources
from bench.cases_ocr import ScanDoc, scan_documents
from bench.common import (
    WORK_DIR,
    CourrierProcess,
    PipelineProcess,
    drop,
    fresh_dir,
    iso_ts,
    log,
    make_config,
    summary,
    wait_final,
)

TARGET_RATIO = 1.8
POLL_SECONDS = 0.25  # how often the bench reads the register while the pipeline works


# --- one timed batch -----------------------------------------------------------------------


def _warm_up(warm: list[Path], inbox: Path, db: Path, procs: list[CourrierProcess]) -> None:
    """Route two born-digital items, so that queues and connections are open before the
    clock starts (the extraction children of the OCR workers still start on first use)."""
    for f in warm:
        drop(f, inbox, f"warm-{f.name}")
    wait_final(db, {f"warm-{f.name}" for f in warm}, timeout=180, alive=procs,
               interval=POLL_SECONDS)


def _timed_scans(docs: list[ScanDoc], inbox: Path, db: Path, procs: list[CourrierProcess],
                 timeout: float) -> dict[str, Any]:
    """Drop every scan at once; pages/min from the first drop to the last item final."""
    load = os.getloadavg()[0]
    first_drop = time.time()
    for doc in docs:
        drop(doc.path, inbox, doc.path.name)
    rows = wait_final(db, {d.path.name for d in docs}, timeout=timeout, alive=procs,
                      interval=POLL_SECONDS)
    finished = max(iso_ts(r["updated_at"]) for r in rows.values())
    first_received = min(iso_ts(r["received_at"]) for r in rows.values())
    pages = sum(int(r["pages"] or 0) for r in rows.values())
    wall = finished - first_drop
    statuses = [r["status"] for r in rows.values()]
    return {
        "seconds": wall,
        "pages": pages,
        "pages_per_min": pages / wall * 60,
        "seconds_from_first_received": finished - first_received,
        "routed": statuses.count("routed"),
        "quarantined": statuses.count("quarantined"),
        "load_1min_at_start": round(load, 2),
    }


# --- embedded ------------------------------------------------------------------------------


def run_embedded(docs: list[ScanDoc], warm: list[Path], processes: int, run_dir: Path,
                 config_path: Path, timeout: float) -> dict[str, Any]:
    data = fresh_dir(run_dir / "data")
    inbox = data / "inbox"
    inbox.mkdir()
    db = data / "courrier.db"
    with PipelineProcess(data, config_path, run_dir / "run.log",
                         ["--processes", str(processes)]) as node:
        _warm_up(warm, inbox, db, [node])
        return _timed_scans(docs, inbox, db, [node], timeout)


# --- RabbitMQ ------------------------------------------------------------------------------


def _rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                          timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {args[0]} failed (exit {done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[-300:]}")
    return done.stdout


class ThrowawayVhost:
    """A RabbitMQ vhost for one run, writable by the URL's user, deleted on exit."""

    def __init__(self, base_url: str) -> None:
        parsed = urlparse(base_url)
        self.user = parsed.username or "guest"
        self.password = parsed.password or "guest"
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 5672
        self.name = f"courrier-bench-{uuid.uuid4().hex[:8]}"

    @property
    def url(self) -> str:
        return (f"amqp://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
                f"@{self.host}:{self.port}/{quote(self.name, safe='')}")

    def __enter__(self) -> ThrowawayVhost:
        _rabbitmqctl("add_vhost", self.name)
        try:
            _rabbitmqctl("set_permissions", "-p", self.name, self.user, ".*", ".*", ".*")
        except Exception:
            _rabbitmqctl("delete_vhost", self.name)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            _rabbitmqctl("delete_vhost", self.name)
        except Exception as err:  # noqa: BLE001 (a leftover vhost must not hide the figures)
            log(f"  could not delete vhost {self.name}: {err}")


def _wait_consumers(url: str, config_path: Path, data_dir: Path, ocr: int,
                    procs: list[CourrierProcess], timeout: float = 120) -> None:
    """Until the OCR queue has `ocr` consumers and the route and results queues one each."""
    from pipeline.config import load_config
    from pipeline.queues import Topology, open_connection

    config = load_config(config_path, data_dir)
    topology = Topology(url, [c.id for c in config.communes], config.services)
    wanted = {topology.ocr.name: ocr, topology.route.name: 1, topology.results.name: 1}
    deadline = time.monotonic() + timeout
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:
        for proc in procs:
            proc.check_alive()
        with open_connection(url) as connection:
            for queue in (topology.ocr, topology.route, topology.results):
                channel = connection.channel()
                try:
                    ok = queue(channel).queue_declare(passive=True)
                    seen[queue.name] = ok.consumer_count
                except Exception:  # noqa: BLE001 (not declared yet: the channel is closed)
                    seen[queue.name] = 0
                finally:
                    with contextlib.suppress(Exception):
                        channel.close()
        if all(seen.get(name, 0) >= count for name, count in wanted.items()):
            return
        time.sleep(0.5)
    raise TimeoutError(f"workers not consuming after {timeout:g} s: {seen}")


def run_rabbitmq(docs: list[ScanDoc], warm: list[Path], processes: int, run_dir: Path,
                 config_path: Path, base_url: str, timeout: float) -> dict[str, Any]:
    fresh_dir(run_dir)
    with ThrowawayVhost(base_url) as vhost:
        url = vhost.url
        data = fresh_dir(run_dir / "register")
        inbox = data / "inbox"
        inbox.mkdir()
        db = data / "courrier.db"
        common = ["--broker", url, "--config", str(config_path)]
        procs = [CourrierProcess(["run", "--no-workers", *common, "--data", str(data)],
                                 run_dir / "register.log")]
        procs.append(CourrierProcess(
            ["worker", "route", *common, "--data", str(fresh_dir(run_dir / "route"))],
            run_dir / "route.log"))
        for number in range(1, processes + 1):
            work = fresh_dir(run_dir / f"ocr-{number}")
            procs.append(CourrierProcess(
                ["worker", "ocr", "--processes", "1", *common, "--data", str(work)],
                run_dir / f"ocr-{number}.log"))
        try:
            procs[0].start()
            time.sleep(1.0)  # the register node declares the queues the workers bind to
            for proc in procs[1:]:
                proc.start()
            _wait_consumers(url, config_path, data, processes, procs)
            _warm_up(warm, inbox, db, procs)
            return _timed_scans(docs, inbox, db, procs, timeout)
        finally:
            for proc in reversed(procs):
                proc.stop()


def _rabbitmq_unavailable(url: str) -> str | None:
    """Why the RabbitMQ half cannot run, or None."""
    from bench.cases_broker import _reachable

    if shutil.which("rabbitmqctl") is None:
        return "rabbitmqctl is not on PATH (needed to make a throwaway vhost)"
    why_not = _reachable(url)
    if why_not:
        return why_not
    try:
        _rabbitmqctl("status")
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return f"rabbitmqctl cannot reach the broker: {exc}"
    return None


# --- the case ------------------------------------------------------------------------------


def _compare(label: str, runs: dict[int, list[dict[str, Any]]], cores: int) -> dict[str, Any]:
    one, two = runs[1], runs[2]
    ratios = [b["pages_per_min"] / a["pages_per_min"] for a, b in zip(one, two, strict=True)]
    ratio = summary(ratios)
    ppm1 = summary(r["pages_per_min"] for r in one)
    ppm2 = summary(r["pages_per_min"] for r in two)
    met = ratio["median"] >= TARGET_RATIO if cores >= 2 else None
    return {
        "pages_per_min_1": ppm1,
        "pages_per_min_2": ppm2,
        "seconds_1": summary(r["seconds"] for r in one),
        "seconds_2": summary(r["seconds"] for r in two),
        "ratio_per_run": ratio,
        "ratio": ratio["median"],
        "ratio_of_medians": ppm2["median"] / ppm1["median"],
        "quarantined": max(r["quarantined"] for r in one + two),
        "load_1min_at_start": [r["load_1min_at_start"] for r in one + two],
        "target_met": met,
        "runs": {"1": one, "2": two},
        "label": label,
    }


def case_scaling(*, count: int, seed: int, repeat: int, cores: int,
                 amqp_url: str) -> dict[str, Any]:
    docs = scan_documents(count, seed)
    pages = sum(d.pages for d in docs)
    pdfs, emails = born_digital_sources(count, seed)
    warm = [pdfs[0], emails[0]]
    config_path = make_config(WORK_DIR / "config" / "bench.toml")
    timeout = max(600.0, pages * 30.0)
    log(f"scaling: {len(docs)} scanned documents, {pages} pages, 1 vs 2 OCR processes")
    why_not = _rabbitmq_unavailable(amqp_url)
    if why_not:
        log(f"scaling: RabbitMQ half skipped: {why_not}")
    setups = ["embedded"] + ([] if why_not else ["rabbitmq"])
    runs: dict[str, dict[int, list[dict[str, Any]]]] = {s: {1: [], 2: []} for s in setups}
    scratch = Path(tempfile.mkdtemp(prefix="scaling-", dir=WORK_DIR))
    try:
        for number in range(1, repeat + 1):
            order = (1, 2) if number % 2 else (2, 1)
            for setup in setups:
                for processes in order:
                    run_dir = scratch / f"{setup}-{number}-{processes}"
                    if setup == "embedded":
                        run = run_embedded(docs, warm, processes, run_dir, config_path,
                                           timeout)
                    elif why_not:
                        continue
                    else:
                        try:
                            run = run_rabbitmq(docs, warm, processes, run_dir, config_path,
                                               amqp_url, timeout)
                        except Exception as exc:  # keep the embedded figures
                            why_not = f"RabbitMQ run failed: {type(exc).__name__}: {exc}"
                            log(f"  {why_not}")
                            continue
                    log(f"  {setup} run {number}/{repeat}, {processes} OCR process(es): "
                        f"{run['pages']} pages in {run['seconds']:.1f} s = "
                        f"{run['pages_per_min']:.1f} pages/min (load {run['load_1min_at_start']})")
                    runs[setup][processes].append(run)
                    shutil.rmtree(run_dir, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    parsed = urlparse(amqp_url)
    result: dict[str, Any] = {
        "documents": len(docs),
        "pages": pages,
        "cores": cores,
        "embedded": _compare("courrier run --processes N", runs["embedded"], cores),
    }
    if why_not:
        result["rabbitmq"] = {"skipped": why_not}
        setups = ["embedded"]
    else:
        result["rabbitmq"] = {
            # no credentials in the results
            "url": f"amqp://{parsed.hostname}:{parsed.port or 5672}/<throwaway vhost>",
            **_compare("register node + route worker + N `courrier worker ocr --processes 1`",
                       runs["rabbitmq"], cores),
        }
    verdicts = [result[s]["target_met"] for s in setups]
    result["target"] = f">= {TARGET_RATIO} (2 processes / 1, median of per-run ratios, " \
                       "on 2 cores or more)"
    result["target_met"] = None if None in verdicts else all(verdicts)
    result["method"] = (
        "the scans of the corpus dropped at once; pages/min from the first drop to the last "
        "item final (register updated_at); 1 and 2 OCR processes run back to back within "
        "each repeat, order alternating; embedded: `courrier run --processes N` as a child "
        "process; rabbitmq: `courrier run --no-workers --broker URL`, `courrier worker "
        "route` and N `courrier worker ocr --processes 1`, each its own process and working "
        "folder, on a vhost made for the run and deleted after; each run warmed up with 2 "
        "born-digital items; stable_seconds = 0.2; OMP_THREAD_LIMIT=1")
    return result
