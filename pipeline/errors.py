"""The project's own exceptions, and the exit code each one maps to at the CLI edge.

Stages raise these; the one place that turns exceptions into outcomes (a retry, or a
quarantine with a readable reason) lives in the workers. `DocumentError` subclasses carry
a `reason` an agent can read in the quarantine note.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BAD_USAGE = 1
    BAD_CONFIG = 2
    MISSING_DEPENDENCY = 3
    INCONSISTENT = 4  # `courrier verify` found the register inconsistent


class CourrierError(Exception):
    """Base of every error the project raises on purpose."""

    exit_code: ExitCode = ExitCode.BAD_USAGE


class ConfigError(CourrierError):
    """The configuration file is missing, unreadable or inconsistent."""

    exit_code = ExitCode.BAD_CONFIG


class MissingDependency(CourrierError):
    """A program or data file the pipeline needs (tesseract, its French data) is absent."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class DocumentError(CourrierError):
    """A document cannot be processed; the item is quarantined with `reason`."""

    code = "document-error"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedFormat(DocumentError):
    code = "unsupported-format"


class CorruptDocument(DocumentError):
    code = "corrupt"


class EncryptedDocument(DocumentError):
    code = "encrypted"


class LimitExceeded(DocumentError):
    """Page count, image size, file size, time or memory went past a configured limit."""

    code = "limit-exceeded"


class RetryableError(CourrierError):
    """A passing fault (broker down, a busy database): the step is tried again later."""
