"""The sender directory: contacts seeded from the config, senders matched on SIRET, e-mail
and (fuzzily) name and address, unknown senders learned, and a known sender's usual service
weighed by routing without overriding what the letter is about."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils
from stdnum import luhn

from pipeline.config import Config, ContactSeed, load_config
from pipeline.contacts import (
    Contact,
    ContactError,
    Sender,
    add_contact,
    best_name_match,
    find_contact,
    identify_sender,
    list_contacts,
    match_sender,
    refresh_config_contacts,
)
from pipeline.errors import ConfigError, ExitCode
from pipeline.export import export_record
from pipeline.migrations import MIGRATIONS, apply_migrations
from pipeline.queues import Topology
from pipeline.register import Register
from pipeline.routing import KnownSender, route_item
from tests.conftest import config_text, courrier
from workers.route_worker import RouteWorker

COMMUNE = "saint-aubin"
GARONNE = '''
[[contacts]]
id = "prefecture-31"
name = "Préfecture de la Haute Garonne"
service = "secretariat-general"
'''


def other_establishment(siret: str) -> str:
    """Another valid SIRET of the same company (same SIREN, another NIC)."""
    for nic in range(1, 1000):
        body = f"{siret[:9]}{nic:04d}"
        candidate = body + luhn.calc_check_digit(body)
        if candidate[:13] != siret[:13]:
            return candidate
    raise AssertionError("no other establishment number")


@pytest.fixture
def config(tmp_path: Path, data_dir: Path) -> Config:
    path = tmp_path / "courrier.toml"
    path.write_text(config_text(extra=GARONNE), encoding="utf-8")
    return load_config(path, data_dir)


@pytest.fixture
def register(config: Config) -> Iterator[Register]:
    register = Register(config.db_path)
    with register.transaction() as db:
        refresh_config_contacts(db, config.contacts)
    yield register
    register.close()


def seed(config: Config, key: str) -> ContactSeed:
    return next(s for s in config.contacts if s.key == key)


def match(register: Register, **sender: str) -> Contact | None:
    found = match_sender(register.db, COMMUNE, Sender(**sender))
    return found.contact if found else None


def identify(register: Register, **sender: str):
    with register.transaction() as db:
        return identify_sender(db, COMMUNE, Sender(**sender))


def arrive(register: Register, content: bytes) -> int:
    sha = hashlib.sha256(content).hexdigest()
    return register.register_arrival(
        commune=COMMUNE, filename="scan.pdf", source_path="scan.pdf", mtime_ns=1,
        size=len(content), sha256=sha, source="scan", ocr_message={"attach_sha256": sha},
    ).item_id


# --- seeding ------------------------------------------------------------------------------

def test_the_config_contacts_are_seeded_once(config: Config, register: Register) -> None:
    contacts = list_contacts(register.db, source="config")
    assert sorted(c.config_key for c in contacts) == sorted(s.key for s in config.contacts)
    prefecture = next(c for c in contacts if c.config_key == "prefecture")
    assert (prefecture.name, prefecture.service) == ("Préfecture du Loiret",
                                                     "secretariat-general")
    assert prefecture.commune is None and prefecture.letters == 0
    with register.transaction() as db:
        assert not refresh_config_contacts(db, config.contacts)  # nothing changed
    assert len(list_contacts(register.db)) == len(config.contacts)


def test_a_config_change_updates_adds_and_retires_contacts(config: Config,
                                                           register: Register) -> None:
    cpam = seed(config, "cpam")
    changed = ContactSeed(key="cpam", name=cpam.name, aliases=cpam.aliases,
                          service="action-sociale")
    newcomer = ContactSeed(key="sdis", name="SDIS du Loiret", service="secretariat-general")
    kept = [s for s in config.contacts if s.key not in ("cpam", "enedis")]
    with register.transaction() as db:
        report = refresh_config_contacts(db, [*kept, changed, newcomer])
    assert (report.updated, report.added, report.retired) == (["cpam"], ["sdis"], ["enedis"])
    assert find_contact(register.db, "cpam").service == "action-sociale"
    enedis = find_contact(register.db, "Enedis")
    # no longer vouched for by the config: no default service, but its letters keep it
    assert (enedis.source, enedis.service, enedis.config_key) == ("learned", None, None)


def test_a_learned_sender_the_config_now_declares_keeps_its_letters(
        config: Config, register: Register) -> None:
    learned = identify(register, name="SDIS du Loiret").contact
    with register.transaction() as db:
        report = refresh_config_contacts(db, [*config.contacts, ContactSeed(
            key="sdis", name="SDIS du Loiret", service="secretariat-general")])
    assert report.promoted == ["sdis"]
    promoted = find_contact(register.db, "sdis")
    assert (promoted.id, promoted.source, promoted.letters) == (learned.id, "config", 1)


# --- exact matches ------------------------------------------------------------------------

def test_a_siret_matches_its_contact_and_a_siren_its_other_establishments(
        config: Config, register: Register) -> None:
    moreau = seed(config, "moreau-tp")
    assert moreau.siret
    found = match_sender(register.db, COMMUNE, Sender(name="Illisible", siret=moreau.siret))
    assert (found.contact.config_key, found.how) == ("moreau-tp", "siret")
    branch = other_establishment(moreau.siret)
    found = match_sender(register.db, COMMUNE, Sender(siret=branch))
    assert (found.contact.config_key, found.how) == ("moreau-tp", "siren")
    # a number with a wrong check digit (an OCR misread) names nobody
    misread = moreau.siret[:-1] + str((int(moreau.siret[-1]) + 1) % 10)
    assert match(register, siret=misread) is None
    la_poste = match(register, siret="35600000000010")  # a post office: SIREN-only contact
    assert la_poste is not None and la_poste.config_key == "la-poste"


def test_an_email_matches_its_address_and_an_organisation_domain(register: Register) -> None:
    found = match_sender(register.db, COMMUNE,
                         Sender(email="SGC.Orleans@dgfip.finances.gouv.fr"))
    assert (found.contact.config_key, found.how) == ("sgc-orleans", "email")
    found = match_sender(register.db, COMMUNE, Sender(email="ddt-urbanisme@loiret.gouv.fr"))
    assert (found.contact.config_key, found.how) == ("prefecture", "email-domain")
    # another DGFiP office shares the domain, and a webmail domain says nothing
    assert match(register, email="sie.montargis@dgfip.finances.gouv.fr") is None
    assert match(register, email="prefecture.loiret@gmail.com") is None


def test_a_domain_two_contacts_claim_matches_neither(config: Config, register: Register) -> None:
    twin = ContactSeed(key="ddt", name="DDT du Loiret", email_domains=("loiret.gouv.fr",))
    with register.transaction() as db:
        refresh_config_contacts(db, [*config.contacts, twin])
    assert match(register, email="agent@loiret.gouv.fr") is None
    assert match(register, email="agent@loiret.gouv.fr", name="DDT du Loiret").config_key == "ddt"


# --- fuzzy matches ------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "PREFECTURE DE LA HAUTE-GARONNE",
    "Préfecture de la Haute Garonne",
    "Prefecture de la Haute-Garonrie",  # OCR: "rn" read as "ri"
    "Pr6fecture de Ia Haute Garonne",
    "Préfecture de la Haute-Garonne – Direction de la citoyenneté",
])
def test_a_name_matches_despite_case_accents_and_ocr_noise(register: Register,
                                                          name: str) -> None:
    found = match_sender(register.db, COMMUNE, Sender(name=name))
    assert found is not None, name
    assert (found.contact.config_key, found.how) == ("prefecture-31", "name")
    assert 88 <= found.score <= 100


@pytest.mark.parametrize("name", [
    "Préfecture du Lot",  # one short word apart from "Préfecture du Loiret"
    "Préfecture de la Haute-Vienne",
    "CAF du Cher",
    "Préfecture",  # which one?
    "Moreau",  # a name inside a supplier's is not the supplier
])
def test_a_different_sender_does_not_match(register: Register, name: str) -> None:
    assert match(register, name=name) is None


def test_a_known_address_identifies_an_organisation(register: Register) -> None:
    found = match_sender(register.db, COMMUNE, Sender(
        name="Bureau des élections", address="181 RUE DE BOURGOGNE, 45042 ORLEANS CEDEX"))
    assert (found.contact.config_key, found.how) == ("prefecture", "address")
    # the same street in another town is another place
    assert match(register, address="181 rue de Bourgogne, 21000 Dijon") is None


def test_a_learned_person_needs_an_almost_identical_name() -> None:
    jean = Contact(id=1, name="Jean Martin", source="learned")
    assert best_name_match([jean], "M. MARTIN Jean").contact is jean
    assert best_name_match([jean], "Mme Jeanne Martin") is None
    assert best_name_match([jean], "Martin") is None


# --- learning -----------------------------------------------------------------------------

def test_an_unknown_sender_is_learned_and_matched_next_time(register: Register) -> None:
    first = identify(register, name="Cabinet Géomètre Lefèvre", email="contact@lefevre-geo.fr",
                     address="3 rue des Saules, 45150 Jargeau")
    assert first.how == "new"
    learned = first.contact
    assert (learned.source, learned.service, learned.commune) == ("learned", None, COMMUNE)
    again = identify(register, name="CABINET GEOMETRE LEFEVRE")
    assert (again.contact.id, again.how) == (learned.id, "name")
    by_email = identify(register, name="Secrétariat", email="Contact@Lefevre-Geo.fr")
    assert (by_email.contact.id, by_email.how) == (learned.id, "email")
    assert find_contact(register.db, str(learned.id)).letters == 3


@pytest.mark.parametrize("name", [None, "", "12 rue des Lilas", "jean@example.fr", "— ~ ;"])
def test_a_sender_without_a_usable_name_is_not_learned(register: Register, name) -> None:
    before = len(list_contacts(register.db))
    assert identify(register, name=name) is None
    assert len(list_contacts(register.db)) == before


def test_learned_contacts_belong_to_their_commune(register: Register) -> None:
    identify(register, name="Association des Pêcheurs de l'Aubin")
    assert match(register, name="Association des Pêcheurs de l'Aubin") is not None
    assert match_sender(register.db, "another-commune",
                        Sender(name="Association des Pêcheurs de l'Aubin")) is None


def test_an_agent_declaring_a_learned_sender_upgrades_it(register: Register) -> None:
    learned = identify(register, name="Jardins de Loire SARL").contact
    with register.transaction() as db:
        contact, upgraded = add_contact(db, name="Jardins de Loire", service="services-techniques",
                                        emails=["devis@jardins-loire.fr"])
    assert upgraded
    assert (contact.id, contact.source, contact.service) == (learned.id, "manual",
                                                            "services-techniques")
    assert "Jardins de Loire SARL" in contact.aliases
    with register.transaction() as db, pytest.raises(ContactError, match="already in"):
        add_contact(db, name="JARDINS DE LOIRE")


def test_adding_a_contact_checks_its_numbers_and_addresses(register: Register) -> None:
    with register.transaction() as db:
        with pytest.raises(ContactError, match="check digit"):
            add_contact(db, name="Scierie Petit", siret="12345678901234")
        with pytest.raises(ContactError, match="not an e-mail"):
            add_contact(db, name="Scierie Petit", emails=["scierie.petit"])
        with pytest.raises(ContactError, match="already in"):
            add_contact(db, name="Enedis Centre", siret="444608442")


# --- the register -------------------------------------------------------------------------

def test_the_register_links_the_letter_to_its_sender_once(register: Register) -> None:
    item_id = arrive(register, b"letter from the prefecture")
    fields = {"pages": 1, "sender": "PRÉFECTURE DU LOIRET", "sender_email": None,
              "sender_address": "181 rue de Bourgogne, 45042 Orléans Cedex 1"}
    sender = Sender.from_fields(fields)
    assert register.record_extraction(item_id, fields, {"text": "x"}, sender=sender)
    assert not register.record_extraction(item_id, fields, {"text": "x"}, sender=sender)
    item = register.item(item_id)
    assert item["contact_name"] == "Préfecture du Loiret"
    assert json.loads(item["contact_match"])["how"] == "name"
    assert find_contact(register.db, "prefecture").letters == 1  # not counted twice
    route = next(m for m in register.pending_outbox() if m.kind == "route")
    assert (route.payload["contact"], route.payload["contact_service"]) == (
        "Préfecture du Loiret", "secretariat-general")
    extracted = register.events(item_id)[-1]
    assert "sender: Préfecture du Loiret" in extracted["detail"]
    exported = export_record(register, item)
    assert (exported["contact"], exported["contact_id"]) == ("Préfecture du Loiret",
                                                             item["contact_id"])
    assert exported["sender"] == "PRÉFECTURE DU LOIRET"  # what the letter says stays


def test_the_contacts_migration_applies_to_an_existing_register(tmp_path: Path) -> None:
    path = tmp_path / "courrier.db"
    old = sqlite_utils.Database(sqlite3.connect(path))
    old["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, migrate in MIGRATIONS[:4]:
        migrate(old)
        old["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00Z"})
    old["items"].insert({"id": 1, "reg": "2026-000001", "commune": COMMUNE, "source": "scan",
                         "filename": "old.pdf", "sha256": "ab", "status": "routed",
                         "sender": "Mairie voisine"})
    old.conn.commit()
    old.close()

    register = Register(path)
    assert "0005_contacts" in {row["name"] for row in register.db["_migrations"].rows}
    assert {"contact_id", "contact_name", "contact_match",
            "sender_address"} <= set(register.db["items"].columns_dict)
    assert register.item(1)["sender"] == "Mairie voisine" and register.item(1)["contact_id"] is None
    assert any(fk.other_table == "contacts" for fk in register.db["items"].foreign_keys)
    assert apply_migrations(register.db) == []
    register.close()


# --- routing ------------------------------------------------------------------------------

def test_a_known_sender_tips_a_weak_letter_and_says_so(config: Config) -> None:
    rules = config.default_commune.routing
    text = "Veuillez trouver ci-joint le montant TTC de mars."
    assert route_item(text, None, rules).service == "triage"  # one weight-2 keyword
    decision = route_item(text, None, rules,
                          sender=KnownSender("Moreau Travaux Publics", "finances"))
    assert decision.service == "finances"
    assert "sender Moreau Travaux Publics → finances (+2)" in decision.explanation


def test_a_sender_alone_is_not_enough_to_route(config: Config) -> None:
    decision = route_item("Bonjour, veuillez trouver ci-joint le document.", None,
                          config.default_commune.routing,
                          sender=KnownSender("CAF du Loiret", "action-sociale"))
    assert decision.service == "triage"
    assert "sender CAF du Loiret → action-sociale" in decision.explanation


def test_what_the_letter_is_about_outweighs_its_sender(config: Config) -> None:
    subject = "Permis de construire PC 045 287 26 00012 – avis des services de l'État"
    text = (f"{subject}\nLe préfet du Loiret vous transmet l'avis sur la demande de permis de "
            "construire déposée pour la construction d'une maison individuelle d'une surface "
            "de plancher de 120 m².")
    prefecture = KnownSender("Préfecture du Loiret", "secretariat-general")
    rules = config.default_commune.routing
    decision = route_item(text, subject, rules, sender=prefecture)
    assert decision.service == "urbanisme"
    assert "sender Préfecture du Loiret → secretariat-general (+2)" in decision.explanation
    # only because the sender is one signal among others, not a verdict
    overweight = replace(rules, sender_weight=50.0)
    assert route_item(text, subject, overweight, sender=prefecture).service != "urbanisme"


def test_the_route_worker_weighs_the_contact_of_the_route_job(config: Config) -> None:
    topology = Topology(config.embedded_broker_url, [c.id for c in config.communes],
                        config.services)
    worker = RouteWorker(config.embedded_broker_url, topology, config)
    job = {"item_id": 1, "commune": COMMUNE, "text": "Concernant le montant TTC de mars.",
           "contact": "Moreau Travaux Publics", "contact_service": "finances"}
    try:
        [result] = worker.handle(job, None)
        assert result.body["decision"]["service"] == "finances"
        # a contact whose service left the catalogue is no signal
        [result] = worker.handle({**job, "contact_service": "piscine-municipale"}, None)
        assert result.body["decision"]["service"] == "triage"
    finally:
        worker.connection.release()


def test_the_sender_weight_is_configurable(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(config_text().replace("sender_weight = 2.0", "sender_weight = 0"),
                    encoding="utf-8")
    rules = load_config(path, data_dir).default_commune.routing
    decision = route_item("Concernant notre échéance de mars.", None, rules,
                          sender=KnownSender("Moreau Travaux Publics", "finances"))
    assert decision.service == "triage" and "sender" not in decision.explanation


# --- config and CLI -----------------------------------------------------------------------

@pytest.mark.parametrize("entry, message", [
    ('id = "x"\nname = "X"\nphone = "01"', "unknown key(s) phone"),
    ('id = "x"\nname = "X"\nservice = "piscine"', "unknown service 'piscine'"),
    ('id = "x"\nname = "X"\nservice = "triage"', "unknown service 'triage'"),
    ('id = "x"\nname = "X"\nsiret = "12345678901234"', "wrong check digit"),
    ('id = "x"\nname = "X"\nemail_domains = ["orange.fr"]', "public mailbox"),
    ('id = "x"\nname = "X"\ncommune = "nowhere"', "unknown commune 'nowhere'"),
    ('name = "X"', "`id` and `name` are required"),
    ('id = "prefecture"\nname = "X"', "ids must be unique"),
])
def test_bad_contacts_in_the_config_are_refused_clearly(tmp_path: Path, data_dir: Path,
                                                       entry: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(config_text(extra=f"\n[[contacts]]\n{entry}\n"), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path, data_dir)


def test_the_contacts_commands(config: Config, register: Register) -> None:
    where = ["--config", str(config.source), "--data", str(config.data_dir)]
    added = courrier("contacts", "add", "--name", "Scierie Petit", "--siret", "61681838100397",
                     *where, check=False)
    assert added.returncode == ExitCode.BAD_USAGE
    assert "already in the directory" in added.stderr  # Moreau TP's SIRET
    added = courrier("contacts", "add", "--name", "Scierie Petit", "--email",
                     "devis@scierie-petit.fr", "--service", "services-techniques", *where)
    assert "added contact" in added.stdout
    listed = courrier("contacts", "list", "--source", "manual", *where).stdout
    assert "Scierie Petit" in listed and "services-techniques" in listed
    shown = json.loads(courrier("contacts", "show", "SCIERIE PETIT", "--json", *where).stdout)
    assert (shown["source"], shown["emails"]) == ("manual", ["devis@scierie-petit.fr"])
    wrong = courrier("contacts", "add", "--name", "X", "--service", "piscine", *where,
                     check=False)
    assert wrong.returncode == ExitCode.BAD_USAGE and "unknown service" in wrong.stderr
    missing = courrier("contacts", "show", "Nobody Known", *where, check=False)
    assert missing.returncode == ExitCode.BAD_USAGE and "no contact" in missing.stderr
