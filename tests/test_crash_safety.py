"""Crash test: `courrier run` is killed with SIGKILL at random moments (the whole process
tree, the main process alone, or one extraction child) and restarted, while letters keep
arriving. At the end nothing is lost and nothing is counted twice.

One seed runs by default; `pytest --crash-seeds 1,2,3` runs more.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from pipeline.batch import drop_file
from samples.generate import generate
from tests.conftest import config_text, courrier, export_items, wait_until

pytestmark = pytest.mark.slow
ITEMS = 60
KILLS = 10
FINAL = {"routed", "quarantined", "duplicate"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "crash_seed" in metafunc.fixturenames:
        seeds = [int(s) for s in metafunc.config.getoption("crash_seeds").split(",")]
        metafunc.parametrize("crash_seed", seeds)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found




def test_random_kills_lose_nothing_and_duplicate_nothing(
        crash_seed: int, tmp_path: Path, pipeline_process) -> None:
    rng = random.Random(crash_seed)
    corpus = tmp_path / "corpus"
    labels = generate(corpus, ITEMS, seed=crash_seed)
    files = [corpus / label["file"] for label in labels]
    # three letters dropped a second time under another name: duplicates, not new entries
    redrops = [(f, f"encore-{f.name}") for f in rng.sample(files, 3)]
    drops = [(f, f.name) for f in files] + redrops
    rng.shuffle(drops)

    config_file = tmp_path / "courrier.toml"
    config_file.write_text(config_text(), encoding="utf-8")
    data_dir = tmp_path / "data"
    inbox = data_dir / "inbox"
    running = pipeline_process(config_file, data_dir)
    wait_until(inbox.is_dir, 30, "the inbox")

    def dropper() -> None:
        for source, name in drops:
            drop_file(source, inbox, name)
            time.sleep(rng.uniform(0.0, 0.4))

    dropping = threading.Thread(target=dropper)
    dropping.start()
    kills = Counter()
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.5, 3.0))
        process = running.process
        target = rng.choice(["tree", "main", "child"])
        children = _children(process.pid)
        if target == "child" and children:
            os.kill(rng.choice(children), signal.SIGKILL)
            kills["extraction child"] += 1
            continue
        if target == "tree":
            running.kill()
            kills["whole tree"] += 1
        else:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            kills["main process"] += 1
        running = pipeline_process(config_file, data_dir)
    dropping.join()

    items = wait_until(
        lambda: (lambda xs: xs if len(xs) == len(drops) and all(
            i["status"] in FINAL for i in xs) else None)(export_items(config_file, data_dir)),
        600, "every letter to be final after the kills", interval=1.0)
    print(f"seed {crash_seed}: {sum(kills.values())} kills ({dict(kills)}), "
          f"{len(items)} entries")
    assert sum(kills.values()) >= KILLS

    # every input has exactly one entry; a re-drop is a duplicate linked to its original
    entries = Counter(item["filename"] for item in items)
    assert sorted(entries) == sorted(name for _, name in drops)
    assert set(entries.values()) == {1}
    by_name = {item["filename"]: item for item in items}
    for source, name in redrops:
        pair = [by_name[source.name], by_name[name]]
        assert sorted(i["status"] for i in pair)[0] == "duplicate", pair
        duplicate = next(i for i in pair if i["status"] == "duplicate")
        original = next(i for i in pair if i["status"] != "duplicate")
        assert duplicate["duplicate_of"] == original["reg"]
        assert duplicate["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()

    # numbers gapless and unique; nothing happened twice to any entry
    registered = [i for i in items if i["status"] != "duplicate"]
    assert sorted(int(i["reg"][-6:]) for i in registered) == list(
        range(1, len(registered) + 1))
    for item in registered:
        stages = Counter(event["stage"] for event in item["events"])
        assert stages["received"] == 1 and stages["routed"] <= 1, (item["reg"], stages)
    routed = {i["reg"]: i for i in registered if i["status"] == "routed"}
    assert [i["reg"] for i in registered if i["status"] != "routed"] == [], \
        "a kill must not get a good letter quarantined"

    # each routed letter reaches its service (and each copy its service) exactly once
    expected = Counter({(reg, i["service"]): 1 for reg, i in routed.items()})
    expected.update((reg, copy) for reg, i in routed.items() for copy in i["copies"])
    received = Counter()
    for service in {service for _, service in expected}:
        out = courrier("consume", service, "--config", str(config_file), "--data",
                       str(data_dir)).stdout
        for line in out.splitlines():
            message = json.loads(line)
            assert message["service"] == service
            received[(message["reg"], service)] += 1
    assert received == expected

    assert not any(p.is_file() for p in inbox.rglob("*"))
    verdict = courrier("verify", "--config", str(config_file), "--data", str(data_dir))
    assert "consistent:" in verdict.stdout
