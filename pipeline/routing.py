"""Routing rules: which service handles a letter, with the reasons why.

Each document type of the config names its service and the keywords that reveal it. A
letter scores every document type by the keywords it contains (more in its subject line);
the best type gives the service. A weak or contested score sends the letter to `triage`,
where a person decides: a wrong route is worse than a short wait.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.config import TRIAGE, RoutingConfig
from pipeline.folding import fold


@dataclass(frozen=True)
class Decision:
    service: str
    doc_type: str | None
    score: float
    margin: float
    explanation: str
    matched: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_doc_types(text: str, subject: str | None, rules: RoutingConfig
                    ) -> list[tuple[float, str, str, list[str]]]:
    """(score, doc type, service, matched keywords) for every type that matched, best first."""
    body = fold(text)
    folded_subject = fold(subject or "")
    scored = []
    for rule in rules.doc_types:
        score = 0.0
        matched = []
        for keyword in rule.keywords:
            pattern = keyword.pattern
            in_subject = bool(folded_subject) and pattern.search(folded_subject) is not None
            if in_subject or pattern.search(body):
                score += keyword.weight * (rules.subject_weight if in_subject else 1.0)
                matched.append(keyword.phrase)
        if score > 0:
            scored.append((score, rule.name, rule.service, matched))
    scored.sort(key=lambda entry: entry[0], reverse=True)
    return scored


def route_item(text: str, subject: str | None, rules: RoutingConfig) -> Decision:
    """Decide the service of one letter from its text and subject."""
    scored = score_doc_types(text, subject, rules)
    if not scored:
        return Decision(TRIAGE, None, 0.0, 0.0, "no rule matched")
    best_score, doc_type, service, matched = scored[0]
    rival = next((s for s in scored if s[2] != service), None)
    rival_score = rival[0] if rival else 0.0
    margin = 1.0 - rival_score / best_score
    because = f"doc type {doc_type} (score {best_score:g}: {', '.join(matched)})"
    if rival:
        because += f"; next {rival[2]} via {rival[1]} (score {rival_score:g})"
    if best_score < rules.min_score:
        return Decision(TRIAGE, doc_type, best_score, margin,
                        f"score too low for {service}: {because}", matched)
    if margin < rules.min_margin:
        return Decision(TRIAGE, doc_type, best_score, margin,
                        f"{service} and {rival[2] if rival else '?'} too close: {because}",
                        matched)
    return Decision(service, doc_type, best_score, margin, because, matched)
