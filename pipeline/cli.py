"""The `courrier` command line. Thin: each command parses, calls pipeline code, prints.

Exit codes: 0 ok, 1 bad usage, 2 bad config, 3 missing dependency (see `ExitCode`).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

from pipeline.config import Config, load_config
from pipeline.errors import CourrierError, ExitCode

DEFAULT_DATA = Path("courrier-data")

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: the bundled config/courrier.toml).")
data_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
    show_default=True, help="Data dir: inbox/, store/, quarantine/, courrier.db, log/.")
broker_option = click.option(
    "--broker", metavar="URL",
    help="Broker URL, e.g. amqp://user:pw@host/vhost (default: the embedded queues in the "
         "data dir, no server needed).")
commune_option = click.option("--commune", help="Commune id (default: the first in the config).")


class CourrierGroup(click.Group):
    """Turns errors into the contract's exit codes, once, at the edge."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:  # click would exit 2, which here means bad config
            exc.show()
            sys.exit(int(ExitCode.BAD_USAGE))
        except click.ClickException as exc:
            exc.show()
            sys.exit(int(ExitCode.BAD_USAGE))
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(int(ExitCode.BAD_USAGE))
        except CourrierError as exc:
            click.echo(f"courrier: {exc}", err=True)
            sys.exit(int(exc.exit_code))
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=CourrierGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log what every part of the pipeline does.")
@click.version_option(package_name="courrier")
def main(verbose: bool) -> None:
    """courrier — intake pipeline for the incoming mail of communes."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s",
    )


def _config(config_path: Path | None, data_dir: Path) -> Config:
    return load_config(config_path, data_dir)


def _wait_for_signal() -> None:
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    while not stopped.wait(1.0):
        pass


@main.command()
@config_option
@data_option
@broker_option
@click.option("--no-workers", is_flag=True,
              help="Register node only (watchers, register, relay): workers run elsewhere.")
@click.option("--processes", type=int, help="OCR processes (default: config, else one per core).")
def run(config_path: Path | None, data_dir: Path, broker: str | None, no_workers: bool,
        processes: int | None) -> None:
    """Run the pipeline until interrupted: watch the inboxes, register, read, route."""
    from pipeline.runner import PipelineNode

    config = _config(config_path, data_dir)
    node = PipelineNode(config, broker, with_workers=not no_workers, ocr_processes=processes)
    node.start()
    inboxes = ", ".join(str(c.inbox) for c in config.communes)
    click.echo(f"courrier: running on {config.data_dir} (inbox: {inboxes}); Ctrl-C to stop",
               err=True)
    try:
        _wait_for_signal()
    finally:
        node.stop()


@main.command()
@config_option
@data_option
@broker_option
def watch(config_path: Path | None, data_dir: Path, broker: str | None) -> None:
    """Run the register node alone (same as `run --no-workers`)."""
    from pipeline.runner import PipelineNode

    node = PipelineNode(_config(config_path, data_dir), broker, with_workers=False)
    node.start()
    try:
        _wait_for_signal()
    finally:
        node.stop()


@main.command()
@click.argument("role", type=click.Choice(["ocr", "route"]))
@config_option
@data_option
@broker_option
@click.option("--processes", type=int, help="OCR processes (default: one per core).")
def worker(role: str, config_path: Path | None, data_dir: Path, broker: str | None,
           processes: int | None) -> None:
    """Run OCR or routing workers alone, e.g. on another machine with --broker amqp://…"""
    from pipeline.extraction import check_ocr_available
    from pipeline.queues import Topology
    from workers.ocr_worker import OcrWorker, make_sandbox
    from workers.route_worker import RouteWorker

    config = _config(config_path, data_dir)
    url = broker or config.embedded_broker_url
    topology = Topology(url, [c.id for c in config.communes], config.services)
    if role == "ocr":
        check_ocr_available(config.ocr_language)
        workers: list[Any] = [
            OcrWorker(url, topology, make_sandbox(config.limits, config.ocr_language))
            for _ in range(processes or config.worker_processes())
        ]
    else:
        workers = [RouteWorker(url, topology, config)]
    threads = [w.start_thread(f"{role}-{n}") for n, w in enumerate(workers)]
    try:
        _wait_for_signal()
    finally:
        for w in workers:
            w.stop()
        for thread in threads:
            thread.join(timeout=10)


@main.command()
@click.argument("service")
@commune_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write each item as <reg>.<ext> and <reg>.json into this folder.")
@click.option("--follow", is_flag=True, help="Keep waiting for new mail.")
@click.option("--with-document", is_flag=True,
              help="In JSON lines, include the document (base64).")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path),
              help="Where the ids of the deliveries already taken are kept (default: "
                   "DATA/consumers/<commune>.<service>.db).")
@config_option
@data_option
@broker_option
def consume(service: str, commune: str | None, out: Path | None, follow: bool,
            with_document: bool, state: Path | None, config_path: Path | None,
            data_dir: Path, broker: str | None) -> None:
    """Take the mail waiting in a service's queue (then exit, unless --follow)."""
    from pipeline.consume import SeenMessages, consume_service, write_json_lines, write_to_folder
    from pipeline.queues import Topology, open_connection

    config = _config(config_path, data_dir)
    if service not in config.services:
        raise click.UsageError(f"unknown service {service!r}; known: "
                               + ", ".join(config.services))
    commune_id = config.commune(commune).id
    writer = write_to_folder(out) if out else write_json_lines(click.echo, with_document)
    seen = SeenMessages(state or config.data_dir / "consumers" / f"{commune_id}.{service}.db")
    url = broker or config.embedded_broker_url
    topology = Topology(url, [c.id for c in config.communes], config.services)
    try:
        with open_connection(url) as connection:
            count = consume_service(connection, topology, commune_id, service, writer, seen,
                                    follow=follow)
    finally:
        seen.close()
    click.echo(f"{count} item(s) taken from courrier.{commune_id}.{service}", err=True)


@main.command()
@click.option("-f", "--follow", is_flag=True, help="Keep printing new decisions.")
@click.option("--service", help="Only decisions for this service.")
@commune_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("-n", "--lines", default=20, show_default=True, help="How many past decisions.")
@config_option
@data_option
def tail(follow: bool, service: str | None, commune: str | None, as_json: bool, lines: int,
         config_path: Path | None, data_dir: Path) -> None:
    """Show the latest routing decisions (registered, routed, quarantined, delivered…)."""
    from pipeline.register import Register

    config = _config(config_path, data_dir)
    register = _open_register(config)
    stages = ("routed", "quarantined", "duplicate", "delivered")

    def shown(event: dict[str, Any]) -> bool:
        return ((not service or event["service"] == service)
                and (not commune or event["commune"] == commune))

    events = [e for e in register.events_after(0, stages) if shown(e)]
    last = events[-1]["id"] if events else 0
    for event in events[-lines:] if lines else []:
        _print_event(event, as_json)
    while follow:
        time.sleep(0.5)
        for event in register.events_after(last, stages):
            last = event["id"]
            if shown(event):
                _print_event(event, as_json)
    assert isinstance(register, Register)


def _print_event(event: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({k: event[k] for k in (
            "ts", "commune", "reg", "stage", "service", "filename", "detail")},
            ensure_ascii=False))
    else:
        click.echo(f"{event['ts']}  {event['commune']}  {event['reg'] or '-':11}  "
                   f"{event['stage']:11}  {event['service'] or '-':20}  {event['filename']}  "
                   f"{event['detail']}")


def _open_register(config: Config) -> Any:
    from pipeline.register import Register

    if not config.db_path.exists():
        raise click.UsageError(f"no register at {config.db_path} (run `courrier run` first, "
                               "or give --data)")
    return Register(config.db_path)


@main.command()
@click.argument("reg")
@commune_option
@click.option("--json", "as_json", is_flag=True, help="The whole entry as JSON.")
@config_option
@data_option
def show(reg: str, commune: str | None, as_json: bool, config_path: Path | None,
         data_dir: Path) -> None:
    """Show one register entry and its timestamped trail."""
    from pipeline.export import export_record

    config = _config(config_path, data_dir)
    register = _open_register(config)
    item = register.find(reg, commune)
    if item is None:
        raise click.UsageError(f"no register entry {reg}")
    record = export_record(register, item)
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    for key in ("reg", "commune", "status", "service", "filename", "source", "doc_type",
                "sender", "sender_email", "sender_address", "contact", "contact_match", "date",
                "subject", "references", "siret",
                "amount_ttc", "pages", "confidence", "quarantine_reason", "duplicate_of"):
        if record.get(key) not in (None, [], ""):
            click.echo(f"{key:>18}: {record[key]}")
    click.echo("            events:")
    for event in record["events"]:
        click.echo(f"  {event['ts']}  {event['stage']:12} {event['detail']}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@commune_option
@config_option
@data_option
def export(fmt: str, commune: str | None, config_path: Path | None, data_dir: Path) -> None:
    """Print the register, one item per line."""
    from pipeline.export import export_lines

    register = _open_register(_config(config_path, data_dir))
    for line in export_lines(register, fmt, commune):
        click.echo(line)


@main.command()
@config_option
@data_option
def stats(config_path: Path | None, data_dir: Path) -> None:
    """Count register entries by status."""
    register = _open_register(_config(config_path, data_dir))
    counts = register.count_by_status()
    for status, count in sorted(counts.items()):
        click.echo(f"{status:>12}: {count}")
    click.echo(f"{'total':>12}: {sum(counts.values())}")


@main.command()
@click.option("--quick", is_flag=True, help="Do not re-hash the stored documents.")
@config_option
@data_option
def verify(quick: bool, config_path: Path | None, data_dir: Path) -> None:
    """Check that the register is consistent (exit 4 when it is not)."""
    from pipeline.store import DocumentStore
    from pipeline.verify import summary, verify_register

    config = _config(config_path, data_dir)
    register = _open_register(config)
    problems = verify_register(register, DocumentStore(config.store_dir), not quick)
    counts = ", ".join(f"{k} {v}" for k, v in summary(register).items())
    for problem in problems:
        click.echo(f"PROBLEM: {problem}")
    click.echo(f"{'inconsistent' if problems else 'consistent'}: {counts}")
    if problems:
        sys.exit(int(ExitCode.INCONSISTENT))


@main.command()
@click.argument("reg")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path))
@click.option("--reason", default="released by an agent", show_default=True,
              help="Why it is put back (kept in the trail).")
@commune_option
@config_option
@data_option
def release(reg: str, file: Path | None, reason: str, commune: str | None,
            config_path: Path | None, data_dir: Path) -> None:
    """Put a quarantined letter back through the pipeline, optionally as a fixed FILE
    (e.g. the PDF without its password). It keeps its registration number."""
    from pipeline.messages import extract_job
    from pipeline.quarantine import clear_quarantine
    from pipeline.store import DocumentStore

    config = _config(config_path, data_dir)
    register = _open_register(config)
    item = register.find(reg, config.commune(commune).id)
    if item is None:
        raise click.UsageError(f"no register entry {reg}")
    replacement = None
    sha256, filename = item["sha256"], item["filename"]
    if file is not None:
        sha256, size = DocumentStore(config.store_dir).put_file(file)
        filename = file.name
        replacement = {"sha256": sha256, "size": size, "filename": filename}
    register.release(item["id"], reason, replacement,
                     extract_job(commune=item["commune"], filename=filename, sha256=sha256))
    clear_quarantine(config.quarantine_dir, item)
    click.echo(f"{reg} is back in the pipeline ({filename}); `courrier run` takes it from here")


@main.command()
@click.argument("reg")
@click.argument("service")
@click.option("--reason", required=True, help="Why (kept in the trail, and taught to routing).")
@commune_option
@config_option
@data_option
def reroute(reg: str, service: str, reason: str, commune: str | None,
            config_path: Path | None, data_dir: Path) -> None:
    """Send a misrouted letter to SERVICE; the correction teaches the routing."""
    from pipeline.clock import utc_now
    from pipeline.messages import delivery, withdrawal

    config = _config(config_path, data_dir)
    if service not in config.services:
        raise click.UsageError(f"unknown service {service!r}; known: "
                               + ", ".join(config.services))
    register = _open_register(config)
    item = register.find(reg, config.commune(commune).id)
    if item is None:
        raise click.UsageError(f"no register entry {reg}")
    now = utc_now()
    decision = {"service": service, "copies": [], "explanation": f"rerouted: {reason}"}
    previous = register.reroute(item["id"], service, reason,
                                delivery(item, decision, service, "traitement", now),
                                withdrawal(item, service, reason, now))
    click.echo(f"{reg}: {previous} → {service}; `courrier run` delivers it, and tells "
               f"{previous} it was withdrawn")


@main.command()
@config_option
@data_option
def train(config_path: Path | None, data_dir: Path) -> None:
    """Train the routing classifier on the register (the running pipeline reloads it)."""
    from pipeline.learning import train_model, training_examples

    config = _config(config_path, data_dir)
    register = _open_register(config)
    model = train_model(register, config.model_path, config.learning)
    if model is None:
        raise CourrierError(f"too few routed letters to learn from "
                            f"({len(training_examples(register))}; at least "
                            f"{config.learning.min_examples}, of two services or more)")
    click.echo(f"trained on {model.examples} letters ({model.corrections} corrections); "
               f"saved to {config.model_path}")


@main.command()
@click.option("--samples", "samples_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path(__file__).resolve().parent.parent / "samples", show_default=True,
              help="A folder with labels.jsonl and the files it lists.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Data dir (default: a new temporary folder).")
@config_option
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to wait in all.")
def demo(samples_dir: Path, data_dir: Path | None, config_path: Path | None,
         timeout: float) -> None:
    """Run the pipeline on the bundled samples and show where each letter went."""
    import tempfile

    from pipeline.batch import run_batch
    from pipeline.labels import read_labels

    labels = read_labels(samples_dir)
    files = [samples_dir / label["file"] for label in labels]
    expected = {samples_dir / label["file"]: label.get("service") for label in labels}
    with tempfile.TemporaryDirectory(prefix="courrier-demo-") as tmp:
        config = _config(config_path, data_dir or Path(tmp))
        click.echo(f"courrier demo: {len(files)} letters into {config.default_commune.inbox}")
        right = 0

        def report(outcome: Any) -> None:
            nonlocal right
            item = outcome.item
            target = item["service"] or item["status"]
            good = expected.get(outcome.source) == target
            right += good
            verdict = "ok" if good else f"expected {expected.get(outcome.source)}"
            click.echo(f"  {outcome.dropped_as:44} → {item['reg'] or '(duplicate)':11} → "
                       f"{target:20} {outcome.seconds:6.1f} s  {verdict}")

        started = time.monotonic()
        outcomes = run_batch(config, files, timeout=timeout, progress=report)
        missing = [o.dropped_as for o in outcomes if o.item is None]
        click.echo(f"{len(files) - len(missing)}/{len(files)} letters registered and routed in "
                   f"{time.monotonic() - started:.1f} s; {right} to the expected service")
        if missing:
            click.echo(f"not finished before the deadline: {', '.join(missing)}", err=True)
            sys.exit(1)


@main.command(name="eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.option("--train-on", "train_folders", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="First read this other labelled folder (repeat for several) and train the "
                   "routing classifier on its letters and their labelled services, as a "
                   "register in use would have; the report then measures the rules and the "
                   "learning together.")
@config_option
@click.option("--timeout", default=1800.0, show_default=True, help="Seconds to wait in all.")
def evaluate(folder: Path, as_json: bool, train_folders: tuple[Path, ...],
             config_path: Path | None, timeout: float) -> None:
    """Run the pipeline on a labelled folder (FOLDER/labels.jsonl) and score it."""
    import tempfile

    from pipeline.evaluation import format_report, prediction_of, score
    from pipeline.labels import read_labels

    labels = read_labels(folder)
    if any(folder.resolve() == train.resolve() for train in train_folders):
        raise CourrierError("--train-on must name other folders than the one evaluated")
    training = [(train, read_labels(train)) for train in train_folders]
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="courrier-eval-") as tmp:
        config = _config(config_path, Path(tmp) / "eval")
        if training:
            # a register of their own: the letters learned from are not letters scored
            trainer = _config(config_path, Path(tmp) / "train")
            report["trained_on"] = _train_on(trainer, training, timeout, config.model_path,
                                             quiet=as_json)
        started = time.monotonic()
        outcomes = _run_labelled(config, folder, labels, timeout, quiet=as_json)
        seconds = time.monotonic() - started
    predictions = {label["file"]: prediction_of(outcome.item)
                   for label, outcome in zip(labels, outcomes, strict=True)}
    report = {**score(labels, predictions), **report, "seconds": round(seconds, 1)}
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json
               else format_report(report))


def _run_labelled(config: Config, folder: Path, labels: list[dict[str, Any]], timeout: float,
                  quiet: bool) -> list[Any]:
    """Every labelled file of `folder` through a pipeline on `config`, with progress."""
    from pipeline.batch import run_batch

    done = 0

    def progress(outcome: Any) -> None:
        nonlocal done
        done += 1
        if not quiet and (done % 10 == 0 or done == len(labels)):
            click.echo(f"  {folder.name}: {done}/{len(labels)} processed", err=True)

    return run_batch(config, [folder / label["file"] for label in labels], timeout=timeout,
                     progress=progress)


def _train_on(config: Config, training: list[tuple[Path, list[dict[str, Any]]]],
              timeout: float, model_path: Path, quiet: bool) -> dict[str, Any]:
    """Read labelled folders and train the routing classifier on them, saved at
    `model_path`; what it was trained on, for the report."""
    from pipeline.learning import RoutingModel, labelled_examples

    letters = []
    for folder, labels in training:
        outcomes = _run_labelled(config, folder, labels, timeout, quiet)
        letters += [(outcome.item, label.get("service"))
                    for label, outcome in zip(labels, outcomes, strict=True)
                    if outcome.item is not None]
    examples = labelled_examples(letters)
    model = RoutingModel.train(examples, corrections=0)
    if model is None:
        raise CourrierError("too few letters of different services to learn from in "
                            + ", ".join(str(folder) for folder, _ in training))
    model.save(model_path)
    return {"folders": [str(folder) for folder, _ in training], "letters": len(examples)}


@main.group()
def contacts() -> None:
    """The sender directory: who writes to the communes, and which service usually takes it."""


def _directory(config: Config) -> Any:
    """The register, with the directory holding the config's contacts as they are now."""
    from pipeline.contacts import refresh_config_contacts

    register = _open_register(config)
    with register.transaction() as db:
        refresh_config_contacts(db, config.contacts)
    return register


def _check_commune(config: Config, commune: str | None) -> None:
    if commune is not None and commune not in {c.id for c in config.communes}:
        raise click.UsageError(f"unknown commune {commune!r}; known: "
                               + ", ".join(c.id for c in config.communes))


@contacts.command(name="list")
@click.option("--commune", help="Only the contacts this commune sees (its own and the shared).")
@click.option("--source", type=click.Choice(["config", "manual", "learned"]),
              help="Only the contacts of this origin.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@config_option
@data_option
def contacts_list(commune: str | None, source: str | None, as_json: bool,
                  config_path: Path | None, data_dir: Path) -> None:
    """List the directory: declared contacts first, then the ones learned from letters."""
    from pipeline.contacts import list_contacts

    config = _config(config_path, data_dir)
    _check_commune(config, commune)
    register = _directory(config)
    for contact in list_contacts(register.db, commune, source):
        if as_json:
            click.echo(json.dumps(contact.as_dict(), ensure_ascii=False))
            continue
        known_by = ", ".join(filter(None, [contact.siret or contact.siren, *contact.emails,
                                           *(f"@{d}" for d in contact.email_domains)]))
        click.echo(f"{contact.id:>5}  {contact.source:8} {contact.service or '-':20} "
                   f"{contact.letters:>5} letter(s)  {contact.name}"
                   + (f"  [{known_by}]" if known_by else ""))


@contacts.command(name="show")
@click.argument("contact")
@click.option("--json", "as_json", is_flag=True, help="The contact and its letters as JSON.")
@config_option
@data_option
def contacts_show(contact: str, as_json: bool, config_path: Path | None,
                  data_dir: Path) -> None:
    """Show one contact (by id, config id or name) and its latest letters."""
    from pipeline.contacts import contact_letters, find_contact

    register = _directory(_config(config_path, data_dir))
    found = find_contact(register.db, contact)
    letters = contact_letters(register.db, found.id)
    if as_json:
        click.echo(json.dumps({**found.as_dict(), "latest_letters": letters},
                              ensure_ascii=False, indent=2))
        return
    for key, value in found.as_dict().items():
        if value not in (None, [], ""):
            click.echo(f"{key:>15}: {', '.join(value) if isinstance(value, list) else value}")
    click.echo("  latest letters:" if letters else "  no letter yet")
    for letter in letters:
        click.echo(f"    {letter['reg']}  {letter['received_at'][:10]}  "
                   f"{letter['service'] or letter['status']:20} {letter['subject'] or ''}")


@contacts.command(name="add")
@click.option("--name", required=True, help="Canonical name, as the register should show it.")
@click.option("--email", "emails", multiple=True, help="An address it writes from (repeatable).")
@click.option("--siret", help="SIRET (14 digits) or SIREN (9 digits); the check digit is verified.")
@click.option("--address", help="Postal address, with its postcode.")
@click.option("--service", help="Service that usually handles its mail (a routing signal).")
@click.option("--alias", "aliases", multiple=True, help="Another name it signs with (repeatable).")
@click.option("--commune", help="Known to this commune only (default: to every commune).")
@config_option
@data_option
def contacts_add(name: str, emails: tuple[str, ...], siret: str | None, address: str | None,
                 service: str | None, aliases: tuple[str, ...], commune: str | None,
                 config_path: Path | None, data_dir: Path) -> None:
    """Declare a contact; a sender already learned from letters becomes this contact."""
    from pipeline.config import TRIAGE
    from pipeline.contacts import add_contact

    config = _config(config_path, data_dir)
    if service is not None and (service not in config.services or service == TRIAGE):
        raise click.UsageError(f"unknown service {service!r}; known: " + ", ".join(
            s for s in config.services if s != TRIAGE))
    _check_commune(config, commune)
    register = _directory(config)
    with register.transaction() as db:
        contact, upgraded = add_contact(db, name=name, emails=emails, siret=siret,
                                        address=address, service=service, aliases=aliases,
                                        commune=commune)
    what = (f"the sender learned from {contact.letters} letter(s) is now contact"
            if upgraded else "added contact")
    click.echo(f"{what} #{contact.id} {contact.name} (service {contact.service or 'none'}, "
               f"{'commune ' + contact.commune if contact.commune else 'every commune'})")


@main.group()
def rabbitmq() -> None:
    """RabbitMQ, for installations shared by many communes."""


@rabbitmq.command()
@click.option("--vhost", default="courrier", show_default=True)
@click.option("--pipeline-user", default="courrier", show_default=True,
              help="Account of the register node and the workers.")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("rabbitmq-credentials.json"), show_default=True,
              help="Where to write the accounts and their broker URLs (mode 600).")
@click.option("--host", default="localhost", show_default=True,
              help="Host name the URLs in the credentials file use.")
@click.option("--port", default=5672, show_default=True)
@config_option
def setup(vhost: str, pipeline_user: str, credentials: Path, host: str, port: int,
          config_path: Path | None) -> None:
    """Create the vhost, the pipeline account and one read-only account per service queue
    (run on the RabbitMQ machine, as a user allowed to run rabbitmqctl)."""
    from pipeline.rabbitmq_setup import setup_rabbitmq, write_credentials

    config = _config(config_path, DEFAULT_DATA)
    made = setup_rabbitmq(vhost, [c.id for c in config.communes], config.services,
                          pipeline_user=pipeline_user)
    write_credentials(credentials, made, host, port, vhost)
    click.echo(f"vhost {vhost}: {len(made)} accounts (1 pipeline, {len(made) - 1} services); "
               f"passwords and URLs in {credentials}")
    for account in made:
        click.echo(f"  {account.user:45} read {account.read}")


@main.group()
def samples() -> None:
    """The sample corpus."""


@samples.command()
@click.option("--count", default=40, show_default=True, help="How many letters.")
@click.option("--seed", default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--validation", is_flag=True,
              help="Use the validation phrase banks (tune rules on these).")
@click.option("--crosscheck", is_flag=True,
              help="Use the cross-check phrase banks (check that what was tuned on validation "
                   "holds on unseen wording).")
@click.option("--heldout", is_flag=True,
              help="Use the held-out phrase banks (measure once, never tune on them).")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def generate(count: int, seed: int, validation: bool, crosscheck: bool, heldout: bool,
             out: Path) -> None:
    """Generate realistic labelled mail of a commune into OUT (with OUT/labels.jsonl); the
    main phrase banks unless another is named."""
    from samples.generate import generate as generate_corpus

    banks = [name for name, chosen in (("validation", validation), ("crosscheck", crosscheck),
                                       ("heldout", heldout)) if chosen]
    if len(banks) > 1:
        raise click.UsageError("--validation, --crosscheck and --heldout are mutually exclusive")
    labels = generate_corpus(out, count, seed, banks[0] if banks else "main")
    click.echo(f"{len(labels)} letters written to {out} (labels in {out / 'labels.jsonl'})")


if __name__ == "__main__":
    main()
