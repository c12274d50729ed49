"""`courrier reroute`: the letter goes to the right service, and the service it was wrongly
sent to is told it is no longer theirs (role `retrait`), so nobody handles it twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch import drop_file
from pipeline.labels import read_labels
from tests.conftest import SAMPLES, courrier, export_items, wait_until

pytestmark = pytest.mark.slow


def test_a_rerouted_letter_is_withdrawn_from_the_service_it_left(
        config_file: Path, data_dir: Path, tmp_path: Path, pipeline_process) -> None:
    label = next(label for label in read_labels(SAMPLES)
                 if label["format"] == "pdf" and label["service"] == "etat-civil")
    pipeline_process(config_file, data_dir)
    wait_until((data_dir / "inbox").is_dir, 30, "the inbox")
    drop_file(SAMPLES / label["file"], data_dir / "inbox", Path(label["file"]).name)
    [item] = wait_until(lambda: [i for i in export_items(config_file, data_dir)
                                 if i["status"] == "routed"] or None, 120, "the letter")
    assert item["service"] == "etat-civil"
    where = ("--config", str(config_file), "--data", str(data_dir))
    civil, urbanisme = tmp_path / "etat-civil", tmp_path / "urbanisme"
    courrier("consume", "etat-civil", "--out", str(civil), *where)
    document = next(p for p in civil.glob(f"{item['reg']}.*") if p.suffix != ".json")
    taken = document.read_bytes()

    said = courrier("reroute", item["reg"], "urbanisme", "--reason", "un acte pour un permis",
                    *where).stdout
    assert "etat-civil → urbanisme" in said and "withdrawn" in said

    def withdrawn() -> dict | None:
        courrier("consume", "etat-civil", "--out", str(civil), *where)
        meta = civil / "retraits" / f"{item['reg']}.json"
        return json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else None

    notice = wait_until(withdrawn, 60, "the withdrawal to reach the état civil")
    assert (notice["role"], notice["service"], notice["rerouted_to"]) == (
        "retrait", "etat-civil", "urbanisme")
    assert "un acte pour un permis" in notice["explanation"]
    assert not list(civil.glob(f"{item['reg']}.*")), "the letter left the état civil's folder"
    assert (civil / "retraits" / document.name).read_bytes() == taken

    courrier("consume", "urbanisme", "--out", str(urbanisme), *where)
    meta = json.loads((urbanisme / f"{item['reg']}.json").read_text(encoding="utf-8"))
    assert (meta["role"], meta["service"]) == ("traitement", "urbanisme")
    after = wait_until(lambda: (lambda i: i if i["status"] == "delivered" else None)(
        export_items(config_file, data_dir)[0]), 60, "the receipt of urbanisme")
    trail = [(e["stage"], e["detail"]) for e in after["events"]]
    assert ("rerouted", "etat-civil → urbanisme: un acte pour un permis") in trail
    assert any(stage == "taken" and detail.startswith("etat-civil") for stage, detail in trail)
