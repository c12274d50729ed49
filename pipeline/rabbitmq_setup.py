"""`courrier rabbitmq setup`: a vhost, a pipeline account, and one account per service that
can read only its own queue, made with `rabbitmqctl` on the broker's machine.

Passwords are generated and written to a credentials file readable by its owner only;
running the command again keeps the accounts and gives them new passwords.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pipeline.errors import CourrierError, MissingDependency
from pipeline.queues import RECEIPTS_EXCHANGE

Runner = Callable[[list[str]], str]


@dataclass(frozen=True)
class Account:
    user: str
    password: str
    configure: str
    write: str
    read: str

    def url(self, host: str, port: int, vhost: str) -> str:
        return (f"amqp://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
                f"@{host}:{port}/{quote(vhost, safe='')}")


def new_password(length: int = 24) -> str:
    # letters and digits only: rabbitmqctl would take a leading "-" for an option
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def service_user(commune: str, service: str) -> str:
    return f"courrier-{commune}-{service}"


def accounts(communes: Iterable[str], services: Iterable[str], pipeline_user: str
             ) -> list[Account]:
    """The pipeline's account (everything in the vhost) and one per commune and service:
    no configure right, write only to the receipts exchange, read only its own queue."""
    made = [Account(pipeline_user, new_password(), ".*", ".*", ".*")]
    receipts = f"^{re.escape(RECEIPTS_EXCHANGE.name)}$"
    for commune in communes:
        for service in services:
            made.append(Account(
                service_user(commune, service), new_password(),
                "^$", receipts, f"^{re.escape(f'courrier.{commune}.{service}')}$",
            ))
    return made


def rabbitmqctl(args: list[str]) -> str:
    """Run rabbitmqctl; its failures become the project's errors."""
    try:
        result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True,
                                timeout=120)
    except FileNotFoundError:
        raise MissingDependency("rabbitmqctl not found: run this on the RabbitMQ machine "
                                "(apt-get install rabbitmq-server)") from None
    if result.returncode != 0:
        raise CourrierError(f"rabbitmqctl {' '.join(args[:2])} failed: "
                            f"{(result.stderr or result.stdout).strip()}")
    return result.stdout


def setup_rabbitmq(vhost: str, communes: Iterable[str], services: Iterable[str], *,
                   pipeline_user: str = "courrier", run: Runner = rabbitmqctl
                   ) -> list[Account]:
    """Create (or update) the vhost and the accounts; return them with their passwords."""
    if vhost not in run(["list_vhosts", "--silent"]).split():
        run(["add_vhost", vhost])
    existing = {line.split()[0] for line in run(["list_users", "--silent"]).splitlines()
                if line.strip()}
    made = accounts(communes, services, pipeline_user)
    for account in made:
        if account.user in existing:
            run(["change_password", account.user, account.password])
        else:
            run(["add_user", account.user, account.password])
        run(["set_permissions", "-p", vhost, account.user, account.configure, account.write,
             account.read])
    return made


def write_credentials(path: Path, made: list[Account], host: str, port: int,
                      vhost: str) -> None:
    """The accounts as JSON, with their broker URLs, readable by the owner only."""
    data = {account.user: {"password": account.password,
                           "url": account.url(host, port, vhost),
                           "read": account.read, "write": account.write}
            for account in made}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.chmod(path, 0o600)
