"""`courrier eval --train-on`: the routing classifier learns from labelled folders before
another is scored, so that the report measures the rules and the learning together."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.config import Config
from pipeline.labels import read_labels
from pipeline.learning import labelled_examples, training_examples
from pipeline.register import Register
from tests.conftest import SAMPLES, courrier
from tests.test_learned_routing import columbarium_letter


def test_only_letters_a_person_placed_in_a_service_or_kept_are_learned_from() -> None:
    item = {"text": "Objet : columbarium", "subject": "columbarium"}
    examples = labelled_examples([(item, "services-techniques"), (item, "triage"),
                                  (item, "quarantine"), (item, None)])
    assert [e.service for e in examples] == ["services-techniques", "triage"]
    assert "columbarium" in examples[0].text


def labelled_folder(folder: Path, letters: dict[str, str], service: str,
                    background: list[dict]) -> Path:
    """`letters` (name → text) labelled `service`, plus copies of bundled samples."""
    (folder / "mail").mkdir(parents=True)
    lines = []
    for label in background:
        shutil.copyfile(SAMPLES / label["file"], folder / label["file"])
        lines.append(label)
    for name, text in letters.items():
        (folder / "mail" / name).write_text(text, encoding="utf-8")
        lines.append({"file": f"mail/{name}", "format": "text", "service": service})
    (folder / "labels.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_classifier_trained_on_a_labelled_folder_routes_the_evaluated_one(
        tmp_path: Path, config_file: Path) -> None:
    # in this commune the technical services look after the columbarium; the rules alone
    # send such letters to the état civil
    background = [label for label in read_labels(SAMPLES)
                  if label["format"] in ("pdf", "email")]
    rng = random.Random(11)
    # a register in use, read from two folders: the bundled samples with ten corrected
    # letters, and ten more
    train = [labelled_folder(tmp_path / f"train-{part}", {
        f"columbarium-{n:02d}.txt": columbarium_letter(rng) + f"\n(ref {n})"
        for n in range(10 * part, 10 * part + 10)
    }, "services-techniques", background if part == 0 else []) for part in (0, 1)]
    fresh = labelled_folder(tmp_path / "eval", {
        f"nouvelle-{n}.txt": columbarium_letter(random.Random(200 + n)) + f"\nNouvelle {n}"
        for n in range(3)
    }, "services-techniques", [])

    def evaluate(*extra: str) -> dict:
        out = courrier("eval", str(fresh), "--json", "--config", str(config_file), *extra,
                       timeout=300).stdout
        return json.loads(out)

    rules_only = evaluate()
    assert rules_only["routing_accuracy"] == 0.0
    assert "trained_on" not in rules_only
    learned = evaluate("--train-on", str(train[0]), "--train-on", str(train[1]))
    assert learned["routing_accuracy"] == 1.0
    assert learned["trained_on"]["letters"] == 20 + len(background)
    assert learned["trained_on"]["folders"] == [str(folder) for folder in train]


@pytest.mark.slow
def test_folders_read_one_after_the_other_each_give_their_own_letters(
        tmp_path: Path, config: Config) -> None:
    # labelled folders name their files alike (mail/0001-courrier.pdf…): the second must
    # not be answered with the first one's letters
    texts = {"a": "Objet : columbarium\nUne case au columbarium, s'il vous plaît.",
             "b": "Objet : cantine\nInscription de mon fils à la cantine."}
    outcomes = []
    for folder, text in texts.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "lettre.txt").write_text(text, encoding="utf-8")
        outcomes += run_batch(config, [tmp_path / folder / "lettre.txt"], timeout=120)
    assert [outcome.item["text"].strip() for outcome in outcomes] == list(texts.values())


def test_the_evaluated_folder_cannot_be_the_training_one(config_file: Path) -> None:
    result = courrier("eval", str(SAMPLES), "--train-on", str(SAMPLES), "--config",
                      str(config_file), check=False)
    assert result.returncode != 0
    assert "other folders" in result.stderr


def test_the_register_teaches_what_people_kept_from_triage_and_nothing_undecided(
        tmp_path: Path) -> None:
    register = Register(tmp_path / "courrier.db")
    try:
        def letter(text: str, service: str, taken_by: str | None = None) -> int:
            content = text.encode()
            arrival = register.register_arrival(
                commune="a", filename=f"{len(text)}.txt", source_path="x", mtime_ns=1,
                size=len(content), sha256=hashlib.sha256(content).hexdigest(), source="scan",
                ocr_message={})
            register.record_extraction(arrival.item_id, {"text": text, "subject": None}, {})
            register.record_routing(arrival.item_id, {"service": service,
                                                      "explanation": "test"}, [])
            if taken_by:
                register.record_delivery(arrival.item_id, service, taken_by)
            return arrival.item_id

        letter("facture de la cantine", "finances")
        letter("merci pour la fête du village", "triage", taken_by="secretariat")
        letter("je ne sais pas de quoi il s'agit", "triage")  # nobody has looked at it yet
        moved = letter("columbarium et jardin du souvenir", "triage", taken_by="secretariat")
        register.reroute(moved, "services-techniques", "ce sont les services techniques",
                         {}, {"service": "triage"})
        learned = sorted((e.service, e.weight) for e in training_examples(register))
        assert learned == [("finances", 1.0), ("services-techniques", 5.0), ("triage", 1.0)]
    finally:
        register.close()
