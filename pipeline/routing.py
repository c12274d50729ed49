"""Routing rules: which service handles a letter, with the reasons why.

Each document type of the config names its service and the keywords that reveal it. A
letter scores every document type by the keywords it contains (more in its subject line);
the best type gives the service. A weak or contested score sends the letter to `triage`,
where a person decides: a wrong route is worse than a short wait.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pipeline.config import TRIAGE, WORD_BREAK, RoutingConfig
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
    # a letter sent to triage because the rules' evidence was too weak or too close: the
    # services they leaned to, which a learned opinion may confirm (pipeline/learning.py)
    candidates: list[str] = field(default_factory=list)
    # sent to triage for a person's judgement, not for want of evidence (several matters,
    # advertising, a text OCR could not read surely): learning must not route it instead
    for_person: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class KnownSender:
    """The letter's sender as the directory knows it (pipeline/contacts.py), with the
    service that usually handles its mail."""

    name: str
    service: str


# A sentence that mentions another matter in passing ("par ailleurs", "je profite de ce
# courrier", "aucun lien avec…") says little about what the letter is for.
_ASIDE = re.compile(
    r"\b(par ailleurs|je profite de|nous profitons de|pour information|pour votre information|"
    r"au passage|sans rapport|aucun lien|aucune? |n'a rien a voir|independamment|"
    r"ne sollicite pas|p s|pour eviter toute confusion|n'est pas l'objet|sans lien|d'ailleurs|"
    r"au fait|soit dit en passant|une copie de (ce|cette|la presente)|copie a)\b"
)
ASIDE_FACTOR = 0.25
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*\n")


# The list of enclosed documents ("Pièces jointes", "Bordereau", "Annexes", "PJ :") names
# what came with the letter, not what it is for: a birth certificate joined to a housing
# request is not a request for a birth certificate. Under such a heading come the list's
# items, or the whole page when the heading opens it.
_ENCLOSURES = re.compile(
    r"^(liste des (pieces|documents)|bordereau|annexes?\b|pieces? (jointes?|justificatives|"
    r"annexees|transmises)|documents? (joints?|annexes?|transmis)|p ?j\b)")
_BULLETS = (*"-–—•·*>0123456789", "o ")
# a line with two amounts in euros is a line of a bill (quantity, unit price, total): what
# was bought says less than the bill itself which service handles it
_AMOUNT = re.compile(r"\d(?:[\d\s.,]*\d)?\s?(?:€|eur\b)", re.IGNORECASE)
# A firm's legal mentions (SIRET, RCS, share capital, VAT number) are on all its letters,
# advertising included: they say who writes, not that it is a bill.
_LEGAL_MENTIONS = re.compile(
    r"\b(sire[tn] (n )?\d|rcs [a-z-]+ ([ab] )?\d|capital( social)?( de)? \d|"
    r"tva (intracommunautaire )?(n )?fr ?\d|code (ape|naf) \d)")
# Above the line that opens a forwarded e-mail is the note of whoever forwarded it ("pour
# suite à donner"), written by the mairie's own people: the message forwarded is the mail.
_FORWARDED = re.compile(r"^(message transfere|forwarded message|original message|"
                        r"message d'origine|debut du message reexpedie)")


def _side_lines(text: str) -> tuple[str, list[str]]:
    """The text without its enclosure lists, bill lines, legal mentions and forwarding note,
    and those lines apart."""
    side: list[str] = []
    lines = text.split("\n")
    opening = next((n for n, line in enumerate(lines) if _FORWARDED.match(fold(line))), None)
    if opening is not None:
        side, text = lines[:opening], "\n".join(lines[opening + 1:])
    kept: list[str] = []
    for page in text.split("\f"):
        page_has_text = False
        enclosures = None  # "page" or "list" under an enclosures heading
        for line in page.split("\n"):
            folded = fold(line)
            if len(folded) < 60 and _ENCLOSURES.match(folded):
                enclosures = "list" if page_has_text else "page"
            elif enclosures == "list" and folded and not line.lstrip().startswith(_BULLETS):
                enclosures = None
            if enclosures or len(_AMOUNT.findall(line)) >= 2 or _LEGAL_MENTIONS.search(folded):
                side.append(line)
            else:
                kept.append(line)
                page_has_text = page_has_text or bool(folded)
        kept.append("")
    return "\n".join(kept), side


def _weighted_sentences(text: str) -> list[tuple[str, float]]:
    main, side = _side_lines(text)
    sentences = [(folded, ASIDE_FACTOR) for folded in map(fold, side) if folded]
    for sentence in _SENTENCE_END.split(main):
        folded = fold(sentence)
        if folded:
            sentences.append((folded, ASIDE_FACTOR if _ASIDE.search(folded) else 1.0))
    return sentences


def score_doc_types(text: str, subject: str | None, rules: RoutingConfig
                    ) -> list[tuple[float, str, str, list[str]]]:
    """(score, doc type, service, matched keywords) for every type that matched, best first.

    A keyword counts once, with its weight times the strongest place it was found: the
    subject line (`subject_weight`), an ordinary sentence (1) or an aside (`ASIDE_FACTOR`).
    """
    sentences = _weighted_sentences(text)
    folded_subject = fold(subject or "")
    # most keywords are in no letter: a look at its words rules them out before any search
    words = set(WORD_BREAK.split(" ".join([folded_subject, *(s for s, _ in sentences)])))
    scored = []
    for rule in rules.doc_types:
        score = 0.0
        matched = []
        for keyword in rule.keywords:
            if not keyword.may_match(words):
                continue
            pattern = keyword.pattern
            if folded_subject and pattern.search(folded_subject):
                strength = rules.subject_weight
            else:
                strength = max((factor for sentence, factor in sentences
                                if pattern.search(sentence)), default=0.0)
            if strength:
                score += keyword.weight * strength
                matched.append(keyword.phrase)
        if score > 0:
            scored.append((score, rule.name, rule.service, matched))
    scored.sort(key=lambda entry: entry[0], reverse=True)
    return scored


# other document types of the same service add this share of their score to it: a letter
# about a job opening sent by the Centre de gestion is twice an RH letter
RELATED_TYPES_SHARE = 0.5


def score_services(scored: list[tuple[float, str, str, list[str]]]
                   ) -> list[tuple[float, str, str, list[str]]]:
    """(score, service, its best doc type, matched keywords) per service, best first."""
    by_service: dict[str, list[tuple[float, str, str, list[str]]]] = {}
    for entry in scored:  # already best first
        by_service.setdefault(entry[2], []).append(entry)
    services = []
    for service, entries in by_service.items():
        best_score, doc_type, _, matched = entries[0]
        total = best_score + RELATED_TYPES_SHARE * sum(e[0] for e in entries[1:])
        services.append((total, service, doc_type, matched))
    services.sort(key=lambda entry: entry[0], reverse=True)
    return services


def route_item(text: str, subject: str | None, rules: RoutingConfig,
               ocr_confidence: float | None = None, sender: KnownSender | None = None
               ) -> Decision:
    """Decide the service of one letter (and its copies) from its text and subject, and
    from its known sender's usual service when there is one."""
    decision = _principal(text, subject, rules, sender)
    if ocr_confidence is not None and ocr_confidence < rules.min_ocr_confidence:
        return replace(decision, service=TRIAGE, candidates=[], for_person=True, explanation=(
            f"OCR confidence {ocr_confidence:.0f} below {rules.min_ocr_confidence:g}: the text "
            f"is too unsure to route on ({decision.explanation})"))
    if decision.service == TRIAGE:
        return decision
    return replace(decision, copies=copies_for(text, subject, decision, rules))


def copies_for(text: str, subject: str | None, decision: Decision, rules: RoutingConfig
               ) -> list[str]:
    """Services that get the letter for information, by the config's copy rules."""
    folded = fold(f"{subject or ''} {text}")
    copies: list[str] = []
    for rule in rules.copies:
        if decision.doc_type in rule.doc_types and rule.copy_to != decision.service \
                and rule.copy_to not in copies \
                and any(k.pattern.search(folded) for k in rule.keywords):
            copies.append(rule.copy_to)
    return copies


def with_sender(services: list[tuple[float, str, str | None, list[str]]],
                sender: KnownSender | None, weight: float
                ) -> list[tuple[float, str, str | None, list[str]]]:
    """`score_services` with a known sender's usual service counting `weight` more: a
    signal like a keyword, which strong evidence in the letter still outweighs."""
    if sender is None or weight <= 0:
        return services
    entries = [(score + weight, service, doc_type, matched) if service == sender.service
               else (score, service, doc_type, matched)
               for score, service, doc_type, matched in services]
    if all(entry[1] != sender.service for entry in entries):
        entries.append((weight, sender.service, None, []))
    return sorted(entries, key=lambda entry: entry[0], reverse=True)


def _principal(text: str, subject: str | None, rules: RoutingConfig,
               sender: KnownSender | None = None) -> Decision:
    services = with_sender(score_services(score_doc_types(text, subject, rules)), sender,
                           rules.sender_weight)
    if not services:
        return Decision(TRIAGE, None, 0.0, 0.0, "no rule matched")
    best_score, service, doc_type, matched = services[0]
    rival = services[1] if len(services) > 1 else None
    rival_score = rival[0] if rival else 0.0
    margin = 1.0 - rival_score / best_score
    because = (f"doc type {doc_type} (score {best_score:g}: {', '.join(matched)})" if doc_type
               else f"no doc type (score {best_score:g})")
    if rival:
        because += f"; next {rival[1]} via {rival[2] or 'its sender'} (score {rival_score:g})"
    if sender is not None and rules.sender_weight > 0:
        because += f"; sender {sender.name} → {sender.service} (+{rules.sender_weight:g})"
    if service == TRIAGE:
        return Decision(TRIAGE, doc_type, best_score, margin, f"for a person: {because}",
                        matched, for_person=True)
    if best_score < rules.min_score:
        return Decision(TRIAGE, doc_type, best_score, margin,
                        f"score too low for {service}: {because}", matched,
                        candidates=[service])
    if margin < rules.min_margin:
        # a close rival that is a person's work (several matters, advertising) leaves nothing
        # for learning to confirm
        rival_service = rival[1] if rival else None
        if rival_service == TRIAGE:
            return Decision(TRIAGE, doc_type, best_score, margin,
                            f"{service} and triage too close: {because}", matched,
                            for_person=True)
        return Decision(TRIAGE, doc_type, best_score, margin,
                        f"{service} and {rival_service or '?'} too close: {because}", matched,
                        candidates=[s for s in (service, rival_service) if s])
    return Decision(service, doc_type, best_score, margin, because, matched)
