"""Scale-out on a real RabbitMQ: a register node and workers in separate processes with
separate working directories (no shared files), a worker killed in the middle of a
document, a broker restart, per-service accounts, and a plain pika consumer that knows
only `docs/message-schema.json`."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import time
import uuid
from collections import Counter
from pathlib import Path

import jsonschema
import pika
import pytest
from PIL import Image

from pipeline.batch import drop_file
from pipeline.labels import read_labels
from samples.generate import generate
from tests.conftest import SAMPLES, config_text, courrier, rabbitmqctl, wait_until

pytestmark = pytest.mark.slow
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "message-schema.json"
FINAL = {"routed", "delivered", "quarantined", "duplicate"}


class Cluster:
    """A register node and workers, each with a working directory and config of its own."""

    def __init__(self, root: Path, amqp_url: str, start, communes=None) -> None:
        self.root = root
        self.url = amqp_url
        self.start = start
        self.text = config_text(communes=communes)
        self.node_dir = self._workdir("register-node")
        self.data = self.node_dir / "data"
        self.workers: dict[str, object] = {}

    def _workdir(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir()
        (folder / "courrier.toml").write_text(self.text, encoding="utf-8")
        return folder

    def start_node(self):
        self.node = self.start("run", "--no-workers", "--broker", self.url, "--config",
                               str(self.node_dir / "courrier.toml"), "--data", str(self.data),
                               cwd=self.node_dir)
        wait_until((self.data / "inbox").is_dir, 30, "the register node")
        return self.node

    def start_worker(self, role: str, name: str):
        folder = self._workdir(name)
        self.workers[name] = self.start(
            "worker", role, "--processes", "1", "--broker", self.url, "--config",
            str(folder / "courrier.toml"), "--data", str(folder / "data"), cwd=folder)
        return self.workers[name]

    def export(self) -> list[dict]:
        if not (self.data / "courrier.db").exists():
            return []
        out = courrier("export", "--config", str(self.node_dir / "courrier.toml"), "--data",
                       str(self.data)).stdout
        return [json.loads(line) for line in out.splitlines()]

    def wait_final(self, count: int, timeout: float = 300) -> list[dict]:
        def final() -> list[dict] | None:
            items = self.export()
            done = len(items) == count and all(i["status"] in FINAL for i in items)
            return items if done else None

        return wait_until(final, timeout, f"{count} letters to be final", interval=0.5)


@pytest.fixture
def cluster(tmp_path: Path, amqp_url: str, courrier_processes) -> Cluster:
    return Cluster(tmp_path, amqp_url, courrier_processes)


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [pid], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def _reading_seconds(pid: int) -> float:
    """CPU time used so far by the processes `pid` started: its extraction child, which
    reads documents (tesseract runs inside it, not as a command of its own)."""
    ticks = 0
    for member in _tree(pid)[1:]:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _idle(workers) -> dict:
    """Each worker's reading time once all of them consume (a worker starts its extraction
    child when it starts consuming) and none has used CPU for half a second."""
    def settled():
        if not all(_tree(w.process.pid)[1:] for w in workers):
            return None
        before = {w: _reading_seconds(w.process.pid) for w in workers}
        time.sleep(0.5)
        after = {w: _reading_seconds(w.process.pid) for w in workers}
        return after if after == before else None

    return wait_until(settled, 60, "the OCR workers to consume, idle")


def test_workers_on_separate_machines_process_every_letter(cluster: Cluster, tmp_path) -> None:
    labels = generate(tmp_path / "corpus", 30, seed=11)
    cluster.start_node()
    cluster.start_worker("ocr", "ocr-1")
    cluster.start_worker("ocr", "ocr-2")
    cluster.start_worker("route", "route-1")
    for label in labels:
        drop_file(tmp_path / "corpus" / label["file"], cluster.data / "inbox",
                  Path(label["file"]).name)
    items = cluster.wait_final(len(labels))
    by_name = {i["filename"]: i for i in items}
    for label in labels:
        item = by_name[Path(label["file"]).name]
        assert item["status"] == "routed", (label["file"], item["quarantine_reason"])
    assert sorted(int(i["reg"][-6:]) for i in items) == list(range(1, len(labels) + 1))
    # no worker wrote anything to disk but its own folder; each took a share of the work
    for name in ("ocr-1", "ocr-2", "route-1"):
        assert not (tmp_path / name / "data" / "courrier.db").exists()
    # every service takes its mail (and its copies) over RabbitMQ, each once
    expected = Counter({(i["reg"], i["service"]): 1 for i in items})
    expected.update((i["reg"], copy) for i in items for copy in i["copies"])
    taken = Counter()
    for service in {service for _, service in expected}:
        out = courrier("consume", service, "--broker", cluster.url, "--config",
                       str(cluster.node_dir / "courrier.toml"), "--data",
                       str(tmp_path / "service-side")).stdout
        taken.update((json.loads(line)["reg"], service) for line in out.splitlines())
    assert taken == expected
    wait_until(lambda: all(i["status"] == "delivered" for i in cluster.export()), 60,
               "the receipts")


def _long_scan(path: Path, pages: int = 8) -> None:
    scans = sorted(SAMPLES.glob("mail/*-numerisation.png"))
    frames = [Image.open(scans[n % len(scans)]).convert("L") for n in range(pages)]
    frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="jpeg", quality=70, dpi=(300, 300))


def test_a_worker_killed_in_the_middle_of_a_document_loses_nothing(
        cluster: Cluster, tmp_path: Path) -> None:
    cluster.start_node()
    first = cluster.start_worker("ocr", "ocr-1")
    second = cluster.start_worker("ocr", "ocr-2")
    cluster.start_worker("route", "route-1")
    idle = _idle((first, second))  # both started and consuming, neither reading yet
    scan = tmp_path / "dossier.tif"
    _long_scan(scan)
    drop_file(scan, cluster.data / "inbox", scan.name)
    # a second of reading is a page or two of the eight: the worker is in the middle
    busy = wait_until(lambda: next((w for w in (first, second)
                                    if _reading_seconds(w.process.pid) - idle[w] > 1.0), None),
                      60, "a worker to start reading the document", interval=0.05)
    other = second if busy is first else first
    busy.kill()
    [item] = cluster.wait_final(1, timeout=180)
    assert item["status"] == "routed", item["quarantine_reason"]
    stages = Counter(e["stage"] for e in item["events"])
    assert stages == Counter({"received": 1, "extracted": 1, "routed": 1})
    assert item["pages"] == 8
    assert other.process.poll() is None


def test_a_broker_restart_in_the_middle_of_a_run_loses_nothing(
        cluster: Cluster, tmp_path: Path) -> None:
    labels = generate(tmp_path / "corpus", 20, seed=12)
    cluster.start_node()
    cluster.start_worker("ocr", "ocr-1")
    cluster.start_worker("ocr", "ocr-2")
    cluster.start_worker("route", "route-1")
    for label in labels[:10]:
        drop_file(tmp_path / "corpus" / label["file"], cluster.data / "inbox",
                  Path(label["file"]).name)
    wait_until(lambda: len(cluster.export()) >= 3, 60, "the first registrations")
    rabbitmqctl("stop_app")
    for label in labels[10:]:  # letters keep arriving while the broker is down
        drop_file(tmp_path / "corpus" / label["file"], cluster.data / "inbox",
                  Path(label["file"]).name)
    time.sleep(3)
    rabbitmqctl("start_app")
    rabbitmqctl("await_startup")
    items = cluster.wait_final(len(labels), timeout=300)
    assert all(i["status"] == "routed" for i in items), [
        (i["filename"], i["status"], i["quarantine_reason"]) for i in items]
    assert sorted(int(i["reg"][-6:]) for i in items) == list(range(1, len(labels) + 1))
    for item in items:
        stages = Counter(e["stage"] for e in item["events"])
        assert stages["received"] == 1 and stages["extracted"] == 1 and stages["routed"] == 1
    result = courrier("verify", "--config", str(cluster.node_dir / "courrier.toml"),
                      "--data", str(cluster.data))
    assert "consistent:" in result.stdout


def test_a_service_account_reads_only_its_own_queue(tmp_path: Path, rabbitmq_server,
                                                    courrier_processes) -> None:
    commune = f"t{uuid.uuid4().hex[:6]}"
    vhost = f"courrier-acl-{commune}"
    config = tmp_path / "courrier.toml"
    config.write_text(config_text(communes=[(commune, "inbox")]), encoding="utf-8")
    credentials = tmp_path / "rabbitmq.json"
    try:
        courrier("rabbitmq", "setup", "--vhost", vhost, "--pipeline-user", f"pipe-{commune}",
                 "--credentials", str(credentials), "--host", "127.0.0.1", "--config",
                 str(config))
        assert oct(credentials.stat().st_mode & 0o777) == "0o600"
        accounts = json.loads(credentials.read_text())
        pipeline_url = accounts[f"pipe-{commune}"]["url"]
        finances_url = accounts[f"courrier-{commune}-finances"]["url"]
        node = courrier_processes("run", "--no-workers", "--broker", pipeline_url, "--config",
                                  str(config), "--data", str(tmp_path / "data"))
        wait_until(lambda: "running on" in node.log(), 30, "the register node")
        time.sleep(2)  # queues declared by the relay
        own = courrier("consume", "finances", "--broker", finances_url, "--config",
                       str(config), "--data", str(tmp_path / "svc"))
        assert "0 item(s) taken" in own.stderr
        other = courrier("consume", "urbanisme", "--broker", finances_url, "--config",
                         str(config), "--data", str(tmp_path / "svc"), check=False)
        assert other.returncode != 0
        assert "ACCESS_REFUSED" in other.stderr
        # and at the protocol level, for any client
        params = pika.URLParameters(finances_url)
        with pika.BlockingConnection(params) as connection:
            channel = connection.channel()
            with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
                channel.basic_get(f"courrier.{commune}.urbanisme")
            assert refused.value.reply_code == 403
            channel = connection.channel()
            with pytest.raises(pika.exceptions.ChannelClosedByBroker):
                channel.basic_publish("courrier.work", "ocr", b"{}")
                channel.basic_get(f"courrier.{commune}.finances")  # forces a round trip
    finally:
        for account in json.loads(credentials.read_text()) if credentials.exists() else []:
            rabbitmqctl("delete_user", account, check=False)
        rabbitmqctl("delete_vhost", vhost, check=False)


def test_a_plain_pika_consumer_following_the_schema_takes_its_mail(
        tmp_path: Path, amqp_url: str, courrier_processes) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    config = tmp_path / "courrier.toml"
    config.write_text(config_text(), encoding="utf-8")
    data = tmp_path / "data"
    courrier_processes("run", "--broker", amqp_url, "--config", str(config), "--data", str(data))
    wait_until((data / "inbox").is_dir, 30, "the pipeline")
    letters = [label for label in read_labels(SAMPLES)
               if label["format"] == "email" and label["service"] == "urbanisme"][:2]
    assert letters
    for label in letters:
        shutil.copyfile(SAMPLES / label["file"], data / "inbox" / Path(label["file"]).name)

    def export() -> list[dict]:
        out = courrier("export", "--config", str(config), "--data", str(data)).stdout
        return [json.loads(line) for line in out.splitlines()]

    wait_until(lambda: len(export()) == len(letters) and all(
        i["status"] == "routed" for i in export()), 120, "the letters to be routed")

    # a service's own program: pika and the schema, nothing from courrier
    received = []
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        for method, properties, body in channel.consume(
                "courrier.saint-aubin.urbanisme", inactivity_timeout=3):
            if method is None:
                break
            message = json.loads(body)
            jsonschema.validate(message, schema)
            document = base64.b64decode(message["document_base64"])
            assert hashlib.sha256(document).hexdigest() == message["sha256"]
            receipt = {"schema": "courrier.receipt/1", "kind": "receipt",
                       "msg_id": message["msg_id"], "reg": message["reg"],
                       "commune": message["commune"], "service": message["service"],
                       "consumer": "pika-test", "ts": "2026-01-01T00:00:00.000000Z"}
            jsonschema.validate(receipt, schema["$defs"]["receipt"])
            channel.basic_publish(properties.reply_to, "receipt", json.dumps(receipt),
                                  pika.BasicProperties(content_type="application/json",
                                                       delivery_mode=2,
                                                       message_id=f"{message['msg_id']}:receipt"))
            channel.basic_ack(method.delivery_tag)
            received.append(message["reg"])
        channel.cancel()
    assert sorted(received) == sorted(i["reg"] for i in export())
    wait_until(lambda: all(i["status"] == "delivered" for i in export()), 60,
               "the register to show the letters delivered")
    assert all(i["events"][-1]["detail"] == "urbanisme via pika-test" for i in export())
