"""Shared fixtures: temporary data dirs, test configs, the samples, and a real
`courrier run` subprocess that is always stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, Config, load_config

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               interval: float = 0.1) -> object:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def config_text(communes: list[tuple[str, str]] | None = None, stable_seconds: float = 0.3,
                extra: str = "") -> str:
    """The bundled config with quick test timings, and optionally other communes."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("stable_seconds = 1.0", f"stable_seconds = {stable_seconds}")
    text = text.replace("rescan_seconds = 15.0", "rescan_seconds = 2.0")
    if communes:
        start = text.index("[[communes]]")
        end = text.index("[services]")
        blocks = "".join(f'[[communes]]\nid = "{cid}"\nname = "Mairie de {cid}"\n'
                         f'inbox = "{inbox}"\n\n' for cid, inbox in communes)
        text = text[:start] + blocks + text[end:]
    return text + extra


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "courrier.toml"
    path.write_text(config_text(), encoding="utf-8")
    return path


@pytest.fixture
def config(config_file: Path, data_dir: Path) -> Config:
    return load_config(config_file, data_dir)


def courrier(*args: str, check: bool = True, timeout: float = 120,
             input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `courrier` CLI as a user would, in a subprocess."""
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                            text=True, timeout=timeout, input=input_text)
    if check and result.returncode != 0:
        raise AssertionError(f"courrier {' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def export_items(config_file: Path, data_dir: Path) -> list[dict]:
    """The register as `courrier export` prints it (empty before the register exists)."""
    import json

    if not (data_dir / "courrier.db").exists():
        return []
    out = courrier("export", "--config", str(config_file), "--data", str(data_dir)).stdout
    return [json.loads(line) for line in out.splitlines()]


class CourrierProcess:
    """A `courrier` command in a subprocess of its own session; `stop()` ends it with
    SIGTERM, `kill()` kill -9s its whole process tree."""

    def __init__(self, args: list[str], log_path: Path, cwd: Path | None = None) -> None:
        self.args = [sys.executable, "-m", "pipeline.cli", "-v", *args]
        self.log_path = log_path
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> CourrierProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True, cwd=self.cwd)
        return self

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        """kill -9 the whole process tree (the command and its extraction children)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class RunningPipeline(CourrierProcess):
    """`courrier run` on a config and data dir."""

    def __init__(self, config_file: Path, data_dir: Path, log_path: Path) -> None:
        super().__init__(["run", "--config", str(config_file), "--data", str(data_dir)],
                         log_path)


@pytest.fixture
def courrier_processes(tmp_path: Path) -> Iterator[Callable[..., CourrierProcess]]:
    """Factory for `courrier` subprocesses; all are stopped at the end of the test."""
    started: list[CourrierProcess] = []

    def start(*args: str, cwd: Path | None = None) -> CourrierProcess:
        process = CourrierProcess(list(args), tmp_path / f"process-{len(started)}.log", cwd)
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def pipeline_process(tmp_path: Path) -> Iterator[Callable[[Path, Path], RunningPipeline]]:
    """Factory for `courrier run` subprocesses; all are stopped at the end of the test."""
    started: list[RunningPipeline] = []

    def start(config_file: Path, data_dir: Path) -> RunningPipeline:
        running = RunningPipeline(config_file, data_dir, tmp_path / f"run-{len(started)}.log")
        started.append(running.start())
        return running

    yield start
    for running in started:
        running.stop()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--crash-seeds", default="1",
                     help="Comma-separated seeds for the crash test (default: 1).")


# --- RabbitMQ ---------------------------------------------------------------------------

AMQP_PORT = 5672


def _broker_answers(port: int = AMQP_PORT) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def rabbitmqctl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=180)
    if check and result.returncode != 0:
        raise AssertionError(f"rabbitmqctl {' '.join(args)}: {result.stderr or result.stdout}")
    return result


@pytest.fixture(scope="session")
def rabbitmq_server() -> Iterator[None]:
    """A RabbitMQ broker on 127.0.0.1:5672: the one running, or one this session starts
    (and stops). `make test` installs rabbitmq-server when it is absent."""
    import shutil

    started = False
    if not _broker_answers():
        server = shutil.which("rabbitmq-server") or shutil.which(
            "rabbitmq-server", path="/usr/sbin:/usr/lib/rabbitmq/bin")
        if server is None:
            pytest.fail("RabbitMQ is not installed: `make test` installs rabbitmq-server")
        subprocess.run([server, "-detached"], check=True, timeout=60)
        rabbitmqctl("await_startup", "--timeout", "120")
        started = True
    wait_until(_broker_answers, 60, "RabbitMQ to accept connections")
    yield
    if started:
        rabbitmqctl("stop", check=False)


@pytest.fixture
def amqp_url(rabbitmq_server: None) -> Iterator[str]:
    """A fresh vhost for one test, with full rights for guest; deleted afterwards."""
    import uuid

    vhost = f"courrier-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/{vhost}"
    rabbitmqctl("delete_vhost", vhost, check=False)
