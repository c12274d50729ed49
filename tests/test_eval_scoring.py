"""Scoring of `courrier eval`: a perfect prediction scores 100%, a known mistake is counted."""

from __future__ import annotations

import copy

from pipeline.evaluation import field_matches, format_report, score

LABELS = [
    {"file": "a.pdf", "format": "pdf", "service": "finances", "date": "2026-03-03",
     "subject": "Facture de mars", "sender": "SARL Bâtiments Loiret", "references": ["FA-1"],
     "siret": "73282932000074", "amount_ttc": 1234.56},
    {"file": "b.png", "format": "scan", "service": "urbanisme", "date": "2026-01-02",
     "subject": "Déclaration préalable", "sender": "Mme Claire Dubois",
     "references": ["DP 045 123 26 B0003"], "siret": None, "amount_ttc": None},
    {"file": "c.eml", "format": "email", "service": "triage", "date": "2025-12-24",
     "subject": None, "sender": "Jean Martin", "references": [], "siret": None,
     "amount_ttc": None},
]


def perfect() -> dict[str, dict]:
    return {label["file"]: copy.deepcopy(label) for label in LABELS}


def test_a_perfect_prediction_scores_100_percent() -> None:
    report = score(LABELS, perfect())
    assert report["routing_accuracy"] == 1.0
    assert report["auto_routed_precision"] == 1.0
    assert report["triage_share"] == round(1 / 3, 4)
    assert all(f["accuracy"] == 1.0 for f in report["fields"].values())
    assert report["mistakes"] == []
    assert set(report["by_format"]) == {"pdf", "scan", "email"}


def test_a_wrong_route_is_counted_in_accuracy_precision_and_the_matrix() -> None:
    predictions = perfect()
    predictions["b.png"]["service"] = "finances"
    report = score(LABELS, predictions)
    assert report["routing_accuracy"] == round(2 / 3, 4)
    assert report["auto_routed_precision"] == 0.5
    assert report["confusion"]["urbanisme"] == {"finances": 1}
    assert report["mistakes"] == [{"file": "b.png", "expected": "urbanisme", "got": "finances"}]
    assert report["by_format"]["scan"]["routing_accuracy"] == 0.0
    assert report["by_format"]["pdf"]["routing_accuracy"] == 1.0


def test_field_mistakes_are_counted() -> None:
    predictions = perfect()
    predictions["a.pdf"]["date"] = "2026-03-04"
    predictions["a.pdf"]["amount_ttc"] = 1234.58
    predictions["c.eml"]["siret"] = "73282932000074"  # invented where there is none
    report = score(LABELS, predictions)
    assert report["fields"]["date"] == {"right": 2, "total": 3, "accuracy": round(2 / 3, 4)}
    assert report["fields"]["amount_ttc"]["accuracy"] == 0.0
    assert report["fields"]["siret"] == {"right": 1, "total": 2, "accuracy": 0.5}


def test_missing_and_quarantined_items_are_not_routed() -> None:
    predictions = perfect()
    del predictions["a.pdf"]
    predictions["b.png"]["service"] = "quarantine"
    report = score(LABELS, predictions)
    assert report["auto_routed"] == 0
    assert report["auto_routed_precision"] is None
    assert report["confusion"]["finances"] == {"missing": 1}
    text = format_report({**report, "seconds": 1.0})
    assert "routing mistakes" in text and "a.pdf: expected finances, got missing" in text


def test_field_rules() -> None:
    assert field_matches("subject", "Déclaration  préalable", "DECLARATION PREALABLE")
    assert field_matches("sender", "SARL Bâtiments Loiret", "SARL Batiments du Loiret")
    assert not field_matches("sender", "SARL Bâtiments Loiret", "Mme Claire Dubois")
    assert field_matches("references", ["PC 045 123 26 A0012", "FA-1"],
                         ["fa-1", "PC045123 26A0012"])
    assert field_matches("amount_ttc", 10.0, 10.01)
    assert not field_matches("amount_ttc", 10.0, 10.02)
    assert field_matches("siret", "732 829 320 00074", "73282932000074")
