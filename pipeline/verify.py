"""`courrier verify`: check that the register is consistent, as an auditor would.

Numbers gapless and unique per commune and year; every entry with its trail in order;
every unfinished entry with the message that will finish it; every document in the store
with the bytes its hash says.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pipeline.register import Register
from pipeline.store import DocumentStore

# the stage an entry's status comes from
_STATUS_STAGES = {
    "received": {"received", "released"},
    "extracted": {"extracted"},
    "routed": {"routed", "rerouted"},
    "delivered": {"delivered"},
    "quarantined": {"quarantined"},
    "duplicate": {"duplicate"},
}
_STEP_OF_STATUS = {"received": "extract", "extracted": "route"}


def verify_register(register: Register, store: DocumentStore, check_bytes: bool = True
                    ) -> list[str]:
    """Every inconsistency found, as sentences; an empty list means all is well."""
    return list(_problems(register, store, check_bytes))


def _problems(register: Register, store: DocumentStore, check_bytes: bool) -> Iterator[str]:
    items = register.items()
    by_id = {item["id"]: item for item in items}
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    counters = {(r["commune"], r["year"]): r["last"] for r in register.db["counters"].rows}
    outbox = defaultdict(set)
    for row in register.db.query("SELECT item_id, kind FROM outbox"):
        outbox[row["item_id"]].add(row["kind"])
    hashed: dict[str, bool] = {}

    for item in items:
        name = item["reg"] or f"entry {item['id']} ({item['filename']})"
        status = item["status"]
        if status == "duplicate":
            original = by_id.get(item["duplicate_of"])
            if original is None or original["sha256"] != item["sha256"] or item["reg"]:
                yield f"{name}: a duplicate not linked to an original with the same bytes"
        else:
            if not item["reg"] or item["seq"] is None:
                yield f"{name}: registered without a number"
            else:
                numbers[(item["commune"], item["year"])].append(item["seq"])
        events = register.events(item["id"])
        if not events:
            yield f"{name}: no events"
            continue
        first = "duplicate" if status == "duplicate" else "received"
        if events[0]["stage"] != first:
            yield f"{name}: the trail starts with {events[0]['stage']}, not {first}"
        stamps = [event["ts"] for event in events]
        if stamps != sorted(stamps):
            yield f"{name}: events out of time order"
        state_events = [e["stage"] for e in events if e["stage"] in
                        set().union(*_STATUS_STAGES.values())]
        if status not in _STATUS_STAGES:
            yield f"{name}: unknown status {status!r}"
        elif not state_events or state_events[-1] not in _STATUS_STAGES[status]:
            yield f"{name}: status {status} but last event {state_events[-1:]}"
        step = _STEP_OF_STATUS.get(status)
        if step and step not in outbox[item["id"]]:
            yield f"{name}: {status} with no {step} message to finish it"
        if status in ("routed", "delivered") and not any(
                kind.startswith("deliver:") for kind in outbox[item["id"]]):
            yield f"{name}: {status} but never sent to its service"
        if item["sha256"] not in hashed:
            hashed[item["sha256"]] = _stored_intact(store, item["sha256"], check_bytes)
        if not hashed[item["sha256"]]:
            yield f"{name}: its document is missing from the store or damaged"

    for (commune, year), seqs in sorted(numbers.items()):
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs))
            repeated = sorted({s for s in seqs if seqs.count(s) > 1})
            yield (f"{commune} {year}: numbers are not gapless and unique "
                   f"(missing {missing[:10]}, repeated {repeated[:10]})")
        if counters.get((commune, year)) != max(seqs):
            yield f"{commune} {year}: the counter says {counters.get((commune, year))}, " \
                  f"the highest number is {max(seqs)}"


def _stored_intact(store: DocumentStore, sha256: str, check_bytes: bool) -> bool:
    path = store.path_for(sha256)
    if not path.is_file():
        return False
    if not check_bytes:
        return True
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest() == sha256


def summary(register: Register) -> dict[str, Any]:
    """Counts shown beside the verdict."""
    counts = register.count_by_status()
    return {"entries": sum(counts.values()), **counts}
