"""Routing learns from corrections: after people reroute one systematic mistake, the same
kind of letter goes to the right service. Copies go to the services named by the rules."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pipeline.batch import drop_file
from pipeline.config import LearningConfig
from pipeline.labels import read_labels
from pipeline.learning import Opinion, combine
from pipeline.routing import Decision, route_item
from tests.conftest import SAMPLES, courrier, wait_until

SETTINGS = LearningConfig()
RULES = Decision("etat-civil", "concession-cimetiere", 9.0, 0.9, "doc type concession")


@pytest.mark.parametrize("opinion, service, words", [
    (None, "etat-civil", "doc type concession"),
    (Opinion("etat-civil", 0.95), "etat-civil", "agrees"),
    (Opinion("services-techniques", 0.95), "services-techniques", "rules said etat-civil"),
    (Opinion("services-techniques", 0.55), "triage", "disagree"),
    (Opinion("triage", 0.55), "triage", "disagree"),  # it takes the letter for a person's
    (Opinion("services-techniques", 0.4, {"etat-civil": 0.3}), "etat-civil", "not trusted"),
    # unsure of its own choice, but sure it is hardly the rules' service
    (Opinion("services-techniques", 0.4, {"etat-civil": 0.05}), "triage", "little of etat"),
    # a service it never learned of is none of its business (a young register)
    (Opinion("services-techniques", 0.4), "etat-civil", "not trusted"),
])
def test_rules_and_learning_combined(opinion, service, words) -> None:
    decision = combine(RULES, opinion, SETTINGS)
    assert decision.service == service
    assert words in decision.explanation


def test_learning_may_decide_alone_what_the_rules_send_to_triage() -> None:
    triage = Decision("triage", None, 0.0, 0.0, "no rule matched")
    assert combine(triage, Opinion("urbanisme", 0.85), SETTINGS).service == "urbanisme"
    assert combine(triage, Opinion("urbanisme", 0.3), SETTINGS).service == "triage"
    # a letter people keep for themselves (thanks, advertising) stays with them
    kept = combine(triage, Opinion("triage", 0.9), SETTINGS)
    assert kept.service == "triage" and "agrees" in kept.explanation


def test_learning_confirms_a_service_the_rules_hesitated_over(config) -> None:
    rules = config.default_commune.routing
    close = Decision("triage", "declaration-prealable", 5.0, 0.1, "too close",
                     candidates=["urbanisme", "services-techniques"])
    confirmed = combine(close, Opinion("services-techniques", 0.45), SETTINGS)
    assert confirmed.service == "services-techniques"
    assert "confirms" in confirmed.explanation and not confirmed.candidates
    # too timid, or a service the rules did not consider: a person decides
    several = route_item("J'ai plusieurs questions sur la facture et la TVA de l'échéance.",
                         None, rules)
    assert several.service == "triage" and several.for_person  # the rival is triage
    assert combine(several, Opinion("finances", 0.95), SETTINGS).service == "triage"
    assert combine(close, Opinion("urbanisme", 0.25), SETTINGS).service == "triage"
    assert combine(close, Opinion("etat-civil", 0.35), SETTINGS).service == "triage"


def test_a_works_invoice_goes_to_finances_with_a_copy_to_the_technical_services(config) -> None:
    text = ("Facture n° F-2026-0102\nRebouchage de nids-de-poule, enrobé à froid, curage de "
            "fossé.\nTotal TTC : 1 624,96 €")
    decision = route_item(text, "Facturation travaux décembre", config.default_commune.routing)
    assert decision.service == "finances"
    assert decision.copies == ["services-techniques"]


def test_an_unsure_ocr_reading_waits_for_a_person(config) -> None:
    text = "Objet : demande de copie intégrale d'acte de naissance"
    rules = config.default_commune.routing
    assert route_item(text, None, rules, ocr_confidence=92).service == "etat-civil"
    unsure = route_item(text, None, rules, ocr_confidence=41)
    assert unsure.service == "triage" and "OCR confidence 41" in unsure.explanation
    # the classifier reads the same unsure text: it does not route it either
    assert combine(unsure, Opinion("etat-civil", 0.99), SETTINGS).service == "triage"


OPENINGS = ["Monsieur le Maire,", "Madame, Monsieur,", "Bonjour,"]
REQUESTS = [
    "La case du columbarium où reposent les cendres de mon père a une plaque descellée.",
    "Les portes du columbarium ne ferment plus et une case est fissurée.",
    "Le jardin du souvenir près du columbarium est envahi par les herbes.",
    "La niche de mon épouse au columbarium présente une fissure et l'eau s'infiltre.",
    "Une plaque du columbarium est tombée et s'est brisée sur le sol.",
]
ASKS = ["Pourriez-vous envoyer quelqu'un pour la remettre en état ?",
        "Je vous remercie de faire le nécessaire rapidement.",
        "Merci de prévoir une réparation avant la Toussaint."]
NAMES = ["Mme Lucie Bernard", "M. Paul Girard", "Mme Odile Faure", "M. Henri Lambert",
         "Mme Rose Petit", "M. Louis Robin", "Mme Anne Morel", "M. Yves Colin"]


def columbarium_letter(rng: random.Random) -> str:
    return "\n".join([rng.choice(NAMES), "3 rue des Tilleuls", "45560 Saint-Denis-en-Val",
                      f"Le {rng.randint(1, 28)}/0{rng.randint(1, 9)}/2026",
                      "Objet : columbarium", "", rng.choice(OPENINGS), rng.choice(REQUESTS),
                      rng.choice(ASKS), "Salutations distinguées."])


@pytest.mark.slow
def test_twenty_corrections_teach_routing_a_systematic_mistake(
        tmp_path: Path, data_dir: Path, config_file: Path, pipeline_process) -> None:
    # this commune has its technical services look after the columbarium; the rules send
    # such letters to the état civil (cemetery concessions)
    rng = random.Random(5)
    letters = tmp_path / "letters"
    letters.mkdir()
    background = [SAMPLES / label["file"] for label in read_labels(SAMPLES)
                  if label["format"] in ("pdf", "email")]
    mistakes = []
    for number in range(20):
        path = letters / f"columbarium-{number:02d}.txt"
        path.write_text(columbarium_letter(rng) + f"\n(ref {number})", encoding="utf-8")
        mistakes.append(path)
    pipeline_process(config_file, data_dir)
    wait_until((data_dir / "inbox").is_dir, 30, "the inbox")
    for path in background + mistakes:
        drop_file(path, data_dir / "inbox", path.name)

    def export() -> dict[str, dict]:
        out = courrier("export", "--config", str(config_file), "--data", str(data_dir)).stdout
        return {item["filename"]: item for item in map(json.loads, out.splitlines())}

    count = len(background) + len(mistakes)
    items = wait_until(lambda: (lambda e: e if len(e) == count and all(
        i["status"] == "routed" for i in e.values()) else None)(export()), 180, "the letters")
    assert {items[p.name]["service"] for p in mistakes} == {"etat-civil"}  # the mistake

    for path in mistakes:
        courrier("reroute", items[path.name]["reg"], "services-techniques", "--reason",
                 "le columbarium relève des services techniques", "--config", str(config_file),
                 "--data", str(data_dir))
    rerouted = export()[mistakes[0].name]
    assert rerouted["service"] == "services-techniques"
    assert [e["stage"] for e in rerouted["events"]][-1] == "rerouted"

    # new letters of the same kind, worded differently
    fresh = []
    for number in range(3):
        path = letters / f"nouvelle-{number}.txt"
        path.write_text(columbarium_letter(random.Random(100 + number)) + f"\nNouvelle {number}",
                        encoding="utf-8")
        fresh.append(path)
        drop_file(path, data_dir / "inbox", path.name)
    items = wait_until(lambda: (lambda e: e if all(
        e.get(p.name, {}).get("status") == "routed" for p in fresh) else None)(export()),
        120, "the new letters")
    for path in fresh:
        assert items[path.name]["service"] == "services-techniques", items[path.name]["events"]
        assert "learned from" in items[path.name]["events"][-1]["detail"]
    assert (data_dir / "model" / "routing.pkl").is_file()
    # the service that was wrongly sent the letters also holds them; the right one gets them
    out = courrier("consume", "services-techniques", "--config", str(config_file), "--data",
                   str(data_dir)).stdout
    taken = {json.loads(line)["reg"] for line in out.splitlines()}
    assert {items[p.name]["reg"] for p in mistakes + fresh} <= taken
