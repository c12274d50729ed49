"""`courrier eval`: compare what the pipeline decided with a labelled folder.

Scoring is a pure function of labels and predictions, so it is tested on its own; the
command runs the real pipeline (a temporary data dir, the real workers) to get predictions.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from typing import Any

from pipeline.config import TRIAGE
from pipeline.folding import fold

FIELDS = ("date", "subject", "sender", "references", "siret", "amount_ttc")
SENDER_THRESHOLD = 0.85


def field_matches(field: str, expected: Any, predicted: Any) -> bool:
    """The comparison rule of each field (see the module docstring of the issue)."""
    if field == "subject":
        return fold(expected or "") == fold(predicted or "")
    if field == "sender":
        if not expected or not predicted:
            return expected == predicted
        return SequenceMatcher(None, fold(expected), fold(predicted)).ratio() >= SENDER_THRESHOLD
    if field == "references":
        return _reference_set(expected) == _reference_set(predicted)
    if field == "amount_ttc":
        if expected is None or predicted is None:
            return expected == predicted
        return abs(float(expected) - float(predicted)) <= 0.01 + 1e-9
    if field == "siret":
        return re.sub(r"\D", "", expected or "") == re.sub(r"\D", "", predicted or "")
    return (expected or None) == (predicted or None)


def _reference_set(values: list[str] | None) -> set[str]:
    return {fold(v).replace(" ", "") for v in values or []}


def _is_empty(value: Any) -> bool:
    return value in (None, "", [])


def score(labels: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> dict:
    """Routing and field figures for `labels`; `predictions` maps a label's `file` to what
    the pipeline found (`service` is `quarantine` or `missing` when it routed nothing)."""
    report = _score_group(labels, predictions)
    by_format: dict[str, list[dict]] = defaultdict(list)
    for label in labels:
        by_format[label.get("format", "?")].append(label)
    report["by_format"] = {fmt: _score_group(group, predictions)
                           for fmt, group in sorted(by_format.items())}
    return report


def _score_group(labels: list[dict[str, Any]], predictions: dict[str, dict]) -> dict:
    total = len(labels)
    right = routed = routed_right = to_triage = 0
    confusion: dict[str, Counter] = defaultdict(Counter)
    fields = {name: {"right": 0, "total": 0} for name in FIELDS}
    mistakes = []
    for label in labels:
        predicted = predictions.get(label["file"], {"service": "missing"})
        service = predicted.get("service") or "missing"
        confusion[label["service"]][service] += 1
        right += service == label["service"]
        if service == TRIAGE:
            to_triage += 1
        elif service not in ("quarantine", "missing"):
            routed += 1
            routed_right += service == label["service"]
        if service != label["service"]:
            mistakes.append({"file": label["file"], "expected": label["service"],
                             "got": service})
        for name in FIELDS:
            expected, found = label.get(name), predicted.get(name)
            if _is_empty(expected) and _is_empty(found):
                continue  # nothing to find and nothing invented: not counted
            fields[name]["total"] += 1
            fields[name]["right"] += field_matches(name, expected, found)
    return {
        "items": total,
        "routing_accuracy": _share(right, total),
        "triage_share": _share(to_triage, total),
        "auto_routed": routed,
        "auto_routed_precision": _share(routed_right, routed),
        "fields": {name: {**counts, "accuracy": _share(counts["right"], counts["total"])}
                   for name, counts in fields.items()},
        "confusion": {expected: dict(got) for expected, got in sorted(confusion.items())},
        "mistakes": mistakes,
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percent(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def format_report(report: dict[str, Any]) -> str:
    """The report as a person reads it: figures, per format, the confusion matrix."""
    lines = [
        f"items: {report['items']}   time: {report.get('seconds', 0):.1f} s",
        f"routing accuracy:          {_percent(report['routing_accuracy'])}",
        f"sent to triage:            {_percent(report['triage_share'])}",
        f"precision when routed:     {_percent(report['auto_routed_precision'])}"
        f"  ({report['auto_routed']} routed automatically)",
        "fields (accuracy, over items where the label or the prediction has a value):",
    ]
    if "trained_on" in report:
        lines.insert(1, f"routing classifier trained first on {report['trained_on']['letters']}"
                        f" labelled letters of {', '.join(report['trained_on']['folders'])}")
    for name, counts in report["fields"].items():
        lines.append(f"  {name:12} {_percent(counts['accuracy'])}  "
                     f"({counts['right']}/{counts['total']})")
    lines.append("by format:        items  routing  triage  precision  " +
                 "  ".join(f"{name[:7]:>7}" for name in FIELDS))
    for fmt, group in report["by_format"].items():
        lines.append(
            f"  {fmt:14} {group['items']:6}  {_percent(group['routing_accuracy'])}  "
            f"{_percent(group['triage_share'])}  {_percent(group['auto_routed_precision'])}   "
            + "  ".join(f"{_percent(group['fields'][n]['accuracy']):>7}" for n in FIELDS))
    services = sorted({s for row in report["confusion"].values() for s in row}
                      | set(report["confusion"]))
    short = {s: s[:6] for s in services}
    lines.append("confusion (rows: expected, columns: decided):")
    lines.append(" " * 22 + " ".join(f"{short[s]:>6}" for s in services))
    for expected in services:
        row = report["confusion"].get(expected, {})
        if row:
            lines.append(f"  {expected:20}" + " ".join(
                f"{row.get(s, 0) or '.':>6}" for s in services))
    if report["mistakes"]:
        lines.append("routing mistakes:")
        lines.extend(f"  {m['file']}: expected {m['expected']}, got {m['got']}"
                     for m in report["mistakes"])
    return "\n".join(lines)


def prediction_of(item: dict[str, Any] | None) -> dict[str, Any]:
    """What the register says of one item, in the labels' field names."""
    if item is None:
        return {"service": "missing"}
    service = item.get("service")
    if item["status"] == "quarantined":
        service = "quarantine"
    return {
        "service": service,
        "doc_type": item.get("doc_type"),
        "sender": item.get("sender"),
        "sender_email": item.get("sender_email"),
        "date": item.get("date"),
        "subject": item.get("subject"),
        "references": json.loads(item.get("refs") or "[]"),
        "siret": item.get("siret"),
        "amount_ttc": item.get("amount_ttc"),
        "pages": item.get("pages"),
    }
