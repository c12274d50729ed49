"""`make bench`: the pipeline's speed against this machine's limits and against a peer.

    .venv/bin/python bench/run.py                 # every case, 3 runs each (about 30 min)
    .venv/bin/python bench/run.py --quick         # small inputs, 1 run: a smoke test
    .venv/bin/python bench/run.py --cases scaling --repeat 1
    .venv/bin/python bench/run.py --cases ocr,broker --repeat 5 --out bench/work/r.json

Writes the results as JSON (`bench/results.json` for a full run) and prints a table of
medians with min-max over the runs. A full run of every case also rewrites the results
section of bench/README.md. See bench/README.md for what each case measures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# run as a script (`python bench/run.py`): make `bench` importable as a package
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DIR, REPO_DIR, WORK_DIR, log, rel  # noqa: E402

CASES = ("ocr", "peer", "scaling", "born-digital", "growth", "broker")
README = BENCH_DIR / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


class Sizes:
    """Input sizes of a full run and of `--quick`."""

    def __init__(self, quick: bool) -> None:
        # 100 documents hold 35 scans of 40 pages; 20 hold 7 scans of 8 pages
        self.corpus_count = 20 if quick else 100
        self.corpus_seed = 1
        self.born_digital_per_kind = 20 if quick else 100
        # half the throughput target: the pipeline is busy but not behind
        self.paced_rate = 10.0
        self.growth_sizes = (20, 100) if quick else (100, 1000)
        self.scan_pages = 8 if quick else 60
        self.broker_messages = 500 if quick else 5000


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    first = (tesseract.stdout or tesseract.stderr).splitlines()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "cpu_model": model,
        "python": platform.python_version(),
        "tesseract": first[0] if first else "unknown",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def command_line(argv: list[str]) -> str:
    """The command as typed from the repository root, without this machine's paths."""
    python = Path(sys.executable).absolute()
    # not resolved: a virtualenv's python is a link to the system one
    shown = python.relative_to(REPO_DIR).as_posix() if python.is_relative_to(REPO_DIR) \
        else "python"
    return " ".join([shown, "bench/run.py", *argv])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small inputs and one run per case (a smoke test, 3-5 min)")
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated cases among {', '.join(CASES)} (default: all)")
    parser.add_argument("--repeat", type=int,
                        help="runs per case (default 3, or 1 with --quick)")
    parser.add_argument("--out", type=Path,
                        help="results file (default bench/results.json, or "
                             "bench/work/results-quick.json with --quick)")
    parser.add_argument("--amqp-url", default=os.environ.get("COURRIER_BENCH_AMQP_URL"),
                        help="RabbitMQ for the broker and scaling cases (default: guest on "
                             "the local host; COURRIER_BENCH_AMQP_URL also sets it)")
    parser.add_argument("--scan-pages", type=int,
                        help="pages of the growth case's long scan (default 60, or 8 with "
                             "--quick)")
    args = parser.parse_args(argv)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown or not cases:
        parser.error(f"unknown case(s) {', '.join(unknown) or '(none)'}; "
                     f"choose among {', '.join(CASES)}")
    args.cases = cases
    if args.scan_pages is not None and not 1 <= args.scan_pages <= 100:
        parser.error("--scan-pages must be between 1 and 100 (the bench config's max_pages)")
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.out is None:
        args.out = (WORK_DIR / "results-quick.json") if args.quick else BENCH_DIR / "results.json"
    return args


def run_cases(args: argparse.Namespace) -> dict[str, Any]:
    """Every requested case; one that fails is recorded as failed and the others go on."""
    from bench.cases_broker import DEFAULT_AMQP_URL, case_broker
    from bench.cases_flow import case_born_digital, case_growth
    from bench.cases_ocr import case_ocr_and_peer
    from bench.cases_scaling import case_scaling

    sizes = Sizes(args.quick)
    if args.scan_pages is not None:
        sizes.scan_pages = args.scan_pages
    cores = os.cpu_count() or 1
    results: dict[str, Any] = {}

    def guarded(names: list[str], body: Callable[[], dict[str, Any]], *, many: bool) -> None:
        started = time.monotonic()
        try:
            value = body()
        except Exception as exc:  # a broken case must not hide the others' figures
            log(f"case {'/'.join(names)} failed: {type(exc).__name__}: {exc}")
            value = {name: {"failed": f"{type(exc).__name__}: {exc}"} for name in names} \
                if many else {"failed": f"{type(exc).__name__}: {exc}"}
        elapsed = time.monotonic() - started
        if many:
            for name in names:
                results[name] = {**value.get(name, {}), "case_seconds": round(elapsed)}
        else:
            results[names[0]] = {**value, "case_seconds": round(elapsed)}

    ocr_cases = [c for c in ("ocr", "peer") if c in args.cases]
    if ocr_cases:
        log(f"case {' + '.join(ocr_cases)}")
        guarded(ocr_cases, lambda: case_ocr_and_peer(
            count=sizes.corpus_count, seed=sizes.corpus_seed, repeat=args.repeat, cores=cores,
            with_ocr="ocr" in args.cases, with_peer="peer" in args.cases), many=True)
        if "ocr" not in args.cases:
            results.pop("ocr", None)
    if "scaling" in args.cases:
        log("case scaling")
        guarded(["scaling"], lambda: case_scaling(
            count=sizes.corpus_count, seed=sizes.corpus_seed, repeat=args.repeat, cores=cores,
            amqp_url=args.amqp_url or DEFAULT_AMQP_URL), many=False)
    if "born-digital" in args.cases:
        log("case born-digital")
        guarded(["born-digital"], lambda: case_born_digital(
            count=sizes.corpus_count, seed=sizes.corpus_seed,
            per_kind=sizes.born_digital_per_kind, repeat=args.repeat, cores=cores,
            paced_rate=sizes.paced_rate), many=False)
    if "growth" in args.cases:
        log("case growth")
        guarded(["growth"], lambda: case_growth(
            count=sizes.corpus_count, seed=sizes.corpus_seed, sizes=sizes.growth_sizes,
            scan_pages=sizes.scan_pages, repeat=args.repeat), many=False)
    if "broker" in args.cases:
        log("case broker")
        guarded(["broker"], lambda: case_broker(
            messages=sizes.broker_messages, repeat=args.repeat,
            amqp_url=args.amqp_url or DEFAULT_AMQP_URL), many=False)
    return {name: results[name] for name in CASES if name in results}


# --- the table -----------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _stat(stats: dict[str, Any] | None, digits: int = 1, scale: float = 1.0) -> tuple[str, str]:
    """(median, "min–max") of a summary, scaled."""
    if not stats or stats.get("median") is None:
        return "-", "-"
    return (_fmt(stats["median"] * scale, digits),
            f"{_fmt(stats['min'] * scale, digits)}–{_fmt(stats['max'] * scale, digits)}")


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(case, figure, median, min–max, target) for every figure worth a line."""
    rows: list[tuple[str, str, str, str, str]] = []

    def verdict(ok: bool | None, target: str) -> str:
        return target if ok is None else f"{target}: {'met' if ok else 'MISSED'}"

    def add(case: str, label: str, stats: dict | None, digits: int = 1, scale: float = 1.0,
            target: str = "") -> None:
        rows.append((case, label, *_stat(stats, digits, scale), target))

    for name, data in results.items():
        if "failed" in data or "skipped" in data:
            rows.append((name, data.get("failed") and "FAILED" or "skipped", "-", "-",
                         str(data.get("failed") or data.get("skipped")).splitlines()[0][:120]))
            continue
        if name == "ocr":
            add(name, f"pipeline pages/min ({data['pages']} pages)",
                data["pipeline_pages_per_min"])
            add(name, "bare tesseract pages/min", data["tesseract_pages_per_min"])
            add(name, "ratio pipeline / tesseract (per run)", data["ratio_per_run"], 2,
                target=verdict(data["target_met"], ">= 0.90 (ratio of medians: "
                                                   f"{data['ratio_of_medians']:.2f})"))
            if "engine_pages_per_min" in data:
                add(name, "tesseract API in-process pages/min (the pipeline's engine)",
                    data["engine_pages_per_min"])
                add(name, "ratio pipeline / API in-process (per run)",
                    data["ratio_to_engine_per_run"], 2)
        elif name == "peer":
            add(name, f"ocrmypdf pages/min ({data['documents']} documents)",
                data["ocrmypdf_pages_per_min"])
            add(name, "ocrmypdf s/document", data["ocrmypdf_seconds_per_document"], 2)
            rows.append((name, "ratio pipeline / ocrmypdf", f"{data['ratio']:.2f}", "",
                         verdict(data["target_met"], ">= 2")))
        elif name == "scaling":
            for setup in ("embedded", "rabbitmq"):
                block = data[setup]
                if "skipped" in block:
                    rows.append((name, f"{setup}: skipped", "-", "-", block["skipped"][:90]))
                    continue
                add(name, f"{setup}: pages/min, 1 OCR process ({data['pages']} pages)",
                    block["pages_per_min_1"])
                add(name, f"{setup}: pages/min, 2 OCR processes", block["pages_per_min_2"])
                add(name, f"{setup}: ratio 2 / 1 (per run)", block["ratio_per_run"], 2,
                    target=verdict(block["target_met"], ">= 1.80 (ratio of medians: "
                                                        f"{block['ratio_of_medians']:.2f})"))
        elif name == "born-digital":
            add(name, f"items/s ({data['items']} items)", data["items_per_s"],
                target=verdict(data["targets"]["items_per_s >= 20"], ">= 20"))
            add(name, "burst: latency p50 (ms)", data["burst_latency_p50_s"], 0, 1000)
            add(name, "burst: latency p95 (ms)", data["burst_latency_p95_s"], 0, 1000)
            add(name, "burst: latency p99 (ms)", data["burst_latency_p99_s"], 0, 1000)
            rate = data["paced_rate_per_s"]
            add(name, f"paced {rate:g}/s: latency p50 (ms)", data["latency_p50_s"], 0, 1000)
            add(name, f"paced {rate:g}/s: latency p95 (ms)", data["latency_p95_s"], 0, 1000,
                target=verdict(data["targets"]["latency_p95 <= 1 s"], "<= 1000"))
            add(name, f"paced {rate:g}/s: latency p99 (ms)", data["latency_p99_s"], 0, 1000)
            add(name, "extract_text alone, ms/file", data["extract_text_ms_per_file"], 1)
            rows.append((name, "  PDF / e-mail ms/file",
                        f"{data['extract_text_ms_pdf']['median']:.1f} / "
                        f"{data['extract_text_ms_eml']['median']:.1f}", "", ""))
        elif name == "growth":
            sizes = sorted(int(k.split("_")[1]) for k in data if k.startswith("items_"))
            met = data["targets"]["per-item time and memory grow <= 10 %"]
            for size in sizes:
                block = data[f"items_{size}"]
                add(name, f"{size} items: ms/item", block["ms_per_item"])
                add(name, f"{size} items: RSS main process (MB)", block["rss_main_mb"], 0)
                add(name, f"{size} items: RSS extraction child (MB)",
                    block["rss_extraction_child_mb"], 0)
            rows.append((name, "growth ms/item, RSS main, RSS child",
                         f"{data['growth_ms_per_item']:+.0%}, {data['growth_rss_main']:+.0%}, "
                         f"{data['growth_rss_extraction_child']:+.0%}", "",
                         verdict(met, "<= +10 % each")))
            scan = data["long_scan"]
            rows.append((name, f"{scan['pages']}-page scan: OCR child peak RSS (MB)",
                         f"{scan['rss_extraction_child_with_tesseract_mb']:.0f}", "1 run",
                         verdict(data["targets"]["OCR child peak RSS <= 400 MB on the long "
                                                 "scan"], "<= 400 (child + tesseract)")))
        elif name == "broker":
            for transport in ("embedded", "rabbitmq"):
                block = data[transport]
                if "skipped" in block:
                    rows.append((name, transport, "-", "-", block["skipped"][:90]))
                    continue
                add(name, f"{transport} publish msg/s", block["publish_per_s"], 0)
                add(name, f"{transport} consume msg/s", block["consume_per_s"], 0)
    return rows


def print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("case", "figure", "median", "min–max", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip())


def markdown_table(rows: list[tuple[str, str, str, str, str]]) -> str:
    lines = ["| case | figure | median | min–max | target |", "|---|---|---:|---:|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def update_readme(report: dict[str, Any], rows: list[tuple[str, str, str, str, str]]) -> None:
    """Rewrite the generated results section of bench/README.md (between its markers)."""
    m = report["machine"]
    section = "\n".join([
        BEGIN,
        "<!-- written by bench/run.py after a full run; edit the text around it instead -->",
        "",
        f"Measured {report['date']} with `{report['command']}` "
        f"({report['repeat']} runs per case, {report['total_seconds'] / 60:.0f} min in all).",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gib']} GiB of memory, "
        f"Python {m['python']}, {m['tesseract']}; load average at start "
        f"{', '.join(str(x) for x in m['load_average_at_start'])}.",
        "",
        markdown_table(rows),
        "",
        END,
    ])
    text = README.read_text("utf-8") if README.exists() else ""
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, text,
                      flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + section + "\n"
    README.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command_line(argv),
        "quick": args.quick,
        "repeat": args.repeat,
        "machine": machine(),
    }
    report["cases"] = run_cases(args)
    report["total_seconds"] = round(time.monotonic() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    rows = table_rows(report["cases"])
    print()
    print_table(rows)
    print(f"\n{len(report['cases'])} case(s) in {report['total_seconds']} s; "
          f"results in {rel(args.out)}")
    if not args.quick and set(args.cases) == set(CASES):
        update_readme(report, rows)
        print(f"results section of {rel(README)} rewritten")
    failed = [n for n, d in report["cases"].items() if "failed" in d]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
