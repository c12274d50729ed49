"""Configuration: read once from TOML, validated, and passed down as frozen objects.

Nothing else in the project reads configuration files or environment variables.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.folding import fold
from pipeline.identifiers import company_numbers, normalise_domain, normalise_email

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "courrier.toml"
TRIAGE = "triage"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Keyword:
    """A folded phrase that reveals a document type; `prefix` matches any word ending."""

    phrase: str
    weight: float
    prefix: bool = False

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        # cached: every letter is scored against every keyword, more than re's own cache holds
        tail = r"[a-z0-9]*" if self.prefix else ""
        return re.compile(r"(?<![a-z0-9])" + re.escape(self.phrase) + tail + r"(?![a-z0-9])")

    @functools.cached_property
    def first_word(self) -> str:
        """The word a text must contain for the keyword to match it (a word's start, for a
        one-word prefix keyword); apostrophes split words ("d'acte": "d", "acte")."""
        return WORD_BREAK.split(self.phrase)[0]

    def may_match(self, words: set[str]) -> bool:
        """False when the keyword cannot match a text made of `words` (split by
        WORD_BREAK): a set lookup instead of a search of the whole text."""
        if self.prefix and not WORD_BREAK.search(self.phrase):
            return any(word.startswith(self.first_word) for word in words)
        return self.first_word in words


WORD_BREAK = re.compile(r"[\s']+")


@dataclass(frozen=True)
class DocTypeRule:
    name: str
    service: str
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True)
class CopyRule:
    """Letters of `doc_types` that mention one of `keywords` go in copy to `copy_to`."""

    doc_types: tuple[str, ...]
    keywords: tuple[Keyword, ...]
    copy_to: str


@dataclass(frozen=True)
class RoutingConfig:
    min_score: float
    min_margin: float
    subject_weight: float
    doc_types: tuple[DocTypeRule, ...]
    copies: tuple[CopyRule, ...] = ()
    # below this OCR confidence the text is too unsure to route on: triage
    min_ocr_confidence: float = 60.0
    # what a known sender's default service (sender directory) adds to that service's score
    sender_weight: float = 2.0


@dataclass(frozen=True)
class LearningConfig:
    """When the classifier learned from the register may speak (see pipeline/learning.py)."""

    min_examples: int = 30
    retrain_after_corrections: int = 10
    override_probability: float = 0.6
    alone_probability: float = 0.4
    doubt_probability: float = 0.5
    agree_probability: float = 0.3
    dissent_probability: float = 0.15


@dataclass(frozen=True)
class ContactSeed:
    """A correspondent declared in the config (`[[contacts]]`), kept in the sender directory.

    `commune` None: known to every commune of the installation. `siren` is the SIRET's first
    nine digits when only a SIRET is given.
    """

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()
    siret: str | None = None
    siren: str | None = None
    address: str | None = None
    service: str | None = None
    commune: str | None = None


@dataclass(frozen=True)
class Commune:
    id: str
    name: str
    inbox: Path
    routing: RoutingConfig


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_pages: int
    max_image_pixels: int
    timeout_seconds: float
    memory_bytes: int


@dataclass(frozen=True)
class Config:
    source: Path
    data_dir: Path
    communes: tuple[Commune, ...]
    services: dict[str, str] = field(hash=False)
    limits: Limits
    stable_seconds: float
    rescan_seconds: float
    watch_mode: str
    poll_seconds: float
    ocr_processes: int
    ocr_language: str
    learning: LearningConfig = LearningConfig()
    contacts: tuple[ContactSeed, ...] = ()

    @property
    def model_path(self) -> Path:
        return self.data_dir / "model" / "routing.pkl"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "courrier.db"

    @property
    def routing_log(self) -> Path:
        return self.data_dir / "log" / "routing.log"

    @property
    def embedded_broker_url(self) -> str:
        return f"sqlite://{self.data_dir / 'queues.db'}"

    @property
    def default_commune(self) -> Commune:
        return self.communes[0]

    def commune(self, commune_id: str | None) -> Commune:
        """The commune named `commune_id`, or the first one when None."""
        if commune_id is None:
            return self.default_commune
        for commune in self.communes:
            if commune.id == commune_id:
                return commune
        known = ", ".join(c.id for c in self.communes)
        raise ConfigError(f"unknown commune {commune_id!r} (this config has: {known})")

    def worker_processes(self) -> int:
        return self.ocr_processes or os.cpu_count() or 1


def load_config(path: Path | None, data_dir: Path) -> Config:
    """Read and validate the TOML config at `path` (the bundled default when None)."""
    source = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {source}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None
    try:
        return _build(raw, source, Path(data_dir).resolve())
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {exc}") from None


def _build(raw: dict[str, Any], source: Path, data_dir: Path) -> Config:
    pipeline = raw.get("pipeline", {})
    services = raw.get("services") or {}
    if not isinstance(services, dict) or not services:
        raise ConfigError(f"{source}: [services] must list the service catalogue")
    for service in services:
        _check_id(service, "service")
    if TRIAGE not in services:
        raise ConfigError(f"{source}: the service catalogue must contain {TRIAGE!r}")
    routing = _routing(raw.get("routing", {}), raw.get("doc_types", {}), None, services,
                       raw.get("copies", []))
    communes_raw = raw.get("communes") or []
    if not communes_raw:
        raise ConfigError(f"{source}: at least one [[communes]] entry is needed")
    communes = tuple(_commune(entry, data_dir, routing, raw, services) for entry in communes_raw)
    ids = [c.id for c in communes]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{source}: commune ids must be unique, got {ids}")
    limits_raw = raw.get("limits", {})
    limits = Limits(
        max_file_bytes=int(float(limits_raw.get("max_file_mb", 50)) * 1024 * 1024),
        max_pages=int(limits_raw.get("max_pages", 100)),
        max_image_pixels=int(float(limits_raw.get("max_image_megapixels", 60)) * 1_000_000),
        timeout_seconds=float(limits_raw.get("timeout_seconds", 600)),
        memory_bytes=int(float(limits_raw.get("memory_mb", 1536)) * 1024 * 1024),
    )
    watch_mode = pipeline.get("watch_mode", "events")
    if watch_mode not in ("events", "polling"):
        raise ConfigError(f"{source}: watch_mode must be 'events' or 'polling', not {watch_mode!r}")
    config = Config(
        source=source,
        data_dir=data_dir,
        communes=communes,
        services=dict(services),
        limits=limits,
        stable_seconds=float(pipeline.get("stable_seconds", 1.0)),
        rescan_seconds=float(pipeline.get("rescan_seconds", 15.0)),
        watch_mode=watch_mode,
        poll_seconds=float(pipeline.get("poll_seconds", 2.0)),
        ocr_processes=int(pipeline.get("ocr_processes", 0)),
        ocr_language=str(pipeline.get("ocr_language", "fra")),
        learning=LearningConfig(**raw.get("learning", {})),
        contacts=_contacts(raw.get("contacts", []), services, ids),
    )
    _check_layout(config)
    return config


def _commune(
    entry: dict[str, Any],
    data_dir: Path,
    routing: RoutingConfig,
    raw: dict[str, Any],
    services: dict[str, str],
) -> Commune:
    commune_id = _check_id(entry["id"], "commune")
    inbox = Path(entry.get("inbox", f"inbox-{commune_id}"))
    if not inbox.is_absolute():
        inbox = data_dir / inbox
    if "doc_types" in entry:
        # a commune's own doc types extend or replace the shared ones, name by name
        merged = {**raw.get("doc_types", {}), **entry["doc_types"]}
        routing = _routing(raw.get("routing", {}), merged, entry.get("routing"), services,
                           raw.get("copies", []))
    return Commune(id=commune_id, name=str(entry.get("name", commune_id)), inbox=inbox,
                   routing=routing)


def _routing(
    base: dict[str, Any],
    doc_types: dict[str, Any],
    override: dict[str, Any] | None,
    services: dict[str, str],
    copies: list[dict[str, Any]],
) -> RoutingConfig:
    settings = {**base, **(override or {})}
    rules = []
    for name, spec in doc_types.items():
        service = spec["service"]
        if service not in services:
            raise ConfigError(f"doc type {name!r} names unknown service {service!r}")
        rules.append(DocTypeRule(name=name, service=service,
                                 keywords=tuple(_keyword(k) for k in spec.get("keywords", []))))
    copy_rules = []
    for spec in copies:
        if spec["copy_to"] not in services:
            raise ConfigError(f"copy rule names unknown service {spec['copy_to']!r}")
        unknown = set(spec.get("doc_types", [])) - set(doc_types)
        if unknown:
            raise ConfigError(f"copy rule names unknown doc types {sorted(unknown)}")
        copy_rules.append(CopyRule(doc_types=tuple(spec.get("doc_types", [])),
                                   keywords=tuple(_keyword(k) for k in spec["keywords"]),
                                   copy_to=spec["copy_to"]))
    return RoutingConfig(
        min_score=float(settings.get("min_score", 4.0)),
        min_margin=float(settings.get("min_margin", 0.3)),
        subject_weight=float(settings.get("subject_weight", 2.0)),
        doc_types=tuple(rules),
        copies=tuple(copy_rules),
        min_ocr_confidence=float(settings.get("min_ocr_confidence", 60.0)),
        sender_weight=float(settings.get("sender_weight", 2.0)),
    )


_CONTACT_KEYS = ("id", "name", "aliases", "emails", "email_domains", "siret", "siren",
                 "address", "service", "commune")


def _contacts(entries: list[dict[str, Any]], services: dict[str, str],
              communes: list[str]) -> tuple[ContactSeed, ...]:
    """The `[[contacts]]` entries, checked: ValueError names the entry and what is wrong."""
    if not isinstance(entries, list):
        raise ValueError("contacts must be a list of [[contacts]] tables")
    seeds = tuple(_contact(number, entry, services, communes)
                  for number, entry in enumerate(entries, start=1))
    keys = [seed.key for seed in seeds]
    if len(set(keys)) != len(keys):
        raise ValueError(f"[[contacts]] ids must be unique, got {keys}")
    return seeds


def _contact(number: int, entry: dict[str, Any], services: dict[str, str],
             communes: list[str]) -> ContactSeed:
    if not isinstance(entry, dict):
        raise ValueError(f"[[contacts]] entry {number} must be a table, not {entry!r}")
    where = f"[[contacts]] entry {number}" + (f" ({entry['id']!r})" if "id" in entry else "")
    unknown = sorted(set(entry) - set(_CONTACT_KEYS))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} "
                         f"(known: {', '.join(_CONTACT_KEYS)})")
    if "id" not in entry or not str(entry.get("name", "")).strip():
        raise ValueError(f"{where}: `id` and `name` are required")
    try:
        key = _check_id(entry["id"], "contact")
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    service = entry.get("service")
    if service is not None and (service not in services or service == TRIAGE):
        raise ValueError(f"contact {key!r} names unknown service {service!r} "
                         f"(known: {', '.join(s for s in services if s != TRIAGE)})")
    commune = entry.get("commune")
    if commune is not None and commune not in communes:
        raise ValueError(f"contact {key!r} names unknown commune {commune!r}")
    try:
        siret, siren = _contact_numbers(entry)
        aliases = _strings(entry, "aliases")
        emails = tuple(normalise_email(e) for e in _strings(entry, "emails"))
        domains = tuple(normalise_domain(d) for d in _strings(entry, "email_domains"))
    except ValueError as exc:
        raise ValueError(f"contact {key!r}: {exc}") from None
    return ContactSeed(
        key=key, name=str(entry["name"]).strip(), aliases=aliases,
        emails=emails, email_domains=domains, siret=siret, siren=siren,
        address=str(entry["address"]).strip() if entry.get("address") else None,
        service=service, commune=commune,
    )


def _contact_numbers(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    siret, siren = company_numbers(entry["siret"]) if entry.get("siret") else (None, None)
    if entry.get("siren"):
        _, declared = company_numbers(entry["siren"])
        if siren and declared != siren:
            raise ValueError(f"SIREN {declared} is not the start of SIRET {siret}")
        siren = declared
    return siret, siren


def _strings(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"`{key}` must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _keyword(spec: str) -> Keyword:
    phrase, _, weight = spec.rpartition("=") if "=" in spec else (spec, "", "1")
    prefix = phrase.endswith("*")
    folded = fold(phrase.rstrip("*"))
    if not folded:
        raise ValueError(f"empty keyword in {spec!r}")
    return Keyword(phrase=folded, weight=float(weight), prefix=prefix)


def _check_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ConfigError(f"{what} id {value!r}: use lower-case letters, digits and hyphens")
    return value


def _check_layout(config: Config) -> None:
    """Refuse layouts that would feed the pipeline its own output."""
    inboxes = [c.inbox.resolve() for c in config.communes]
    if len(set(inboxes)) != len(inboxes):
        raise ConfigError("two communes share one inbox folder")
    for inbox in inboxes:
        if not inbox.is_relative_to(config.data_dir) and not inbox.is_dir():
            raise ConfigError(f"inbox folder does not exist: {inbox}")
        for inner in (config.store_dir, config.quarantine_dir, config.db_path.parent / "log"):
            if inner.resolve().is_relative_to(inbox):
                raise ConfigError(f"{inner} must not be inside the watched folder {inbox}")
        for other in inboxes:
            if other != inbox and other.is_relative_to(inbox):
                raise ConfigError(f"inbox {other} is inside another inbox {inbox}")
