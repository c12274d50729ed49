"""The command line: every command documented, and the exit codes of the users' contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ExitCode
from tests.conftest import courrier

COMMANDS = ["run", "watch", "worker", "consume", "tail", "show", "export", "stats", "verify",
            "release", "reroute", "train", "demo", "eval", "samples", "rabbitmq", "contacts"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = courrier(command, "--help")
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_a_bad_config_exits_2_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline\n", encoding="utf-8")
    result = courrier("run", "--config", str(bad), "--data", str(tmp_path), check=False)
    assert result.returncode == ExitCode.BAD_CONFIG
    assert "not valid TOML" in result.stderr


def test_a_missing_config_exits_2(tmp_path: Path) -> None:
    result = courrier("stats", "--config", str(tmp_path / "nope.toml"), "--data", str(tmp_path),
                      check=False)
    assert result.returncode == ExitCode.BAD_CONFIG
    assert "not found" in result.stderr


def test_bad_usage_exits_1(tmp_path: Path) -> None:
    assert courrier("consume", "no-such-service", "--data", str(tmp_path),
                    check=False).returncode == ExitCode.BAD_USAGE
    result = courrier("show", "2026-000001", "--data", str(tmp_path), check=False)
    assert result.returncode == ExitCode.BAD_USAGE
    assert "no register" in result.stderr


def test_a_missing_tesseract_exits_3(tmp_path: Path, monkeypatch) -> None:
    # a PATH without tesseract: the worker refuses to start and says how to install it
    monkeypatch.setenv("PATH", str(tmp_path))
    result = courrier("worker", "ocr", "--data", str(tmp_path), check=False, timeout=60)
    assert result.returncode == ExitCode.MISSING_DEPENDENCY
    assert "tesseract" in result.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    from pipeline.cli import main

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    names = []
    for name, command in main.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {child}" for child in sub] if sub else [name]
    missing = [name for name in names if f"courrier {name}" not in readme]
    assert not missing
