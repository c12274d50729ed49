"""Routing that learns from the register: the letters people let through and the ones they
corrected with `courrier reroute`.

A statistical classifier (TF-IDF words, logistic regression) is trained on the register's
routed letters, each correction weighing `CORRECTION_WEIGHT` times an uncorrected routing,
and on the letters a person took from `triage` and kept (thanks, advertising, several
matters): it learns those as a service of their own, `triage`. It gives an opinion beside
the rules; `combine` decides between them and says why. The model lives with the register
(its only trainer), in the data dir.
"""

from __future__ import annotations

import json
import pickle
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.clock import utc_now
from pipeline.config import TRIAGE, LearningConfig
from pipeline.folding import fold
from pipeline.register import Register
from pipeline.routing import Decision

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

CORRECTION_WEIGHT = 5.0


@dataclass(frozen=True)
class Opinion:
    service: str
    probability: float
    # what the model gives every service it learned of, triage included
    probabilities: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    text: str
    service: str
    weight: float


def features(text: str, subject: str | None) -> str:
    # the subject twice: it says what the letter is about more than any body sentence
    return fold(f"{subject or ''} {subject or ''} {text}")


def training_examples(register: Register) -> list[Example]:
    """Routed letters (labelled with their service as it stands, corrections included), and
    letters a person took from triage without rerouting them: theirs to keep."""
    corrected = register.corrected_items()
    examples = []
    for item in register.db.query(
            "SELECT id, text, subject, service FROM items WHERE service IS NOT NULL AND ("
            "(status IN ('routed', 'delivered', 'closed') AND service != :triage) OR "
            "(status = 'delivered' AND service = :triage))", {"triage": TRIAGE}):
        weight = CORRECTION_WEIGHT if item["id"] in corrected else 1.0
        examples.append(Example(features(item["text"] or "", item["subject"]),
                                item["service"], weight))
    return examples


class RoutingModel:
    """A trained classifier and what it was trained on."""

    def __init__(self, classifier: Pipeline, trained_at: str, examples: int,
                 corrections: int) -> None:
        self.classifier = classifier
        self.trained_at = trained_at
        self.examples = examples
        self.corrections = corrections

    @classmethod
    def train(cls, examples: list[Example], corrections: int) -> RoutingModel | None:
        """None when there is too little to learn from (fewer than two services)."""
        if len({e.service for e in examples}) < 2:
            return None
        # imported here: scikit-learn costs ~90 MB of memory, and a pipeline that never
        # learned (no model, no corrections) should not pay for it
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        classifier = make_pipeline(
            # single words: word pairs learned the wording of the letters trained on, and
            # read letters worded otherwise worse (docs/routing-quality.md)
            TfidfVectorizer(sublinear_tf=True),
            # weakly regularised: at C=10 the model was as often right but too timid to be
            # heard (median probability 0.38); balanced, so that the services and triage
            # that get little mail are not drowned by those that get much
            LogisticRegression(max_iter=2000, C=30.0, class_weight="balanced"),
        )
        classifier.fit([e.text for e in examples], [e.service for e in examples],
                       logisticregression__sample_weight=[e.weight for e in examples])
        return cls(classifier, utc_now(), len(examples), corrections)

    def opinion(self, text: str, subject: str | None) -> Opinion:
        probabilities = self.classifier.predict_proba([features(text, subject)])[0]
        best = int(probabilities.argmax())
        return Opinion(str(self.classifier.classes_[best]), float(probabilities[best]),
                       {str(service): float(p) for service, p
                        in zip(self.classifier.classes_, probabilities, strict=True)})

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump(self, tmp)
        Path(tmp.name).replace(path)
        path.with_suffix(".json").write_text(json.dumps(
            {"trained_at": self.trained_at, "examples": self.examples,
             "corrections": self.corrections}, indent=2), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> RoutingModel | None:
        # our own file, written by `save`: the data dir is trusted like the register
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None


def labelled_examples(letters: list[tuple[dict[str, Any], str | None]]) -> list[Example]:
    """Examples from registered letters and the service a person says each belongs to,
    `triage` for those a person keeps (`courrier eval --train-on`: a labelled corpus
    standing in for a register in use)."""
    return [Example(features(item.get("text") or "", item.get("subject")), service, 1.0)
            for item, service in letters if service and service != "quarantine"]


def train_model(register: Register, path: Path, settings: LearningConfig
                ) -> RoutingModel | None:
    """Train on the register and save; None (and no file change) below `min_examples`."""
    examples = training_examples(register)
    if len(examples) < settings.min_examples:
        return None
    model = RoutingModel.train(examples, register.correction_count())
    if model is not None:
        model.save(path)
    return model


def combine(rules: Decision, opinion: Opinion | None, settings: LearningConfig,
            model: RoutingModel | None = None) -> Decision:
    """The final decision from the rules' and the model's; the explanation keeps both."""
    if opinion is None:
        return rules
    learned = (f"learned from {model.examples} letters, {model.corrections} corrections: "
               f"{opinion.service} p={opinion.probability:.2f}" if model else
               f"learned: {opinion.service} p={opinion.probability:.2f}")
    if opinion.service == rules.service:
        return replace(rules, explanation=f"{rules.explanation}; {learned} agrees")
    if rules.service == TRIAGE:
        return _beside_triage(rules, opinion, settings, learned)
    if opinion.service != TRIAGE and opinion.probability >= settings.override_probability:
        return replace(rules, service=opinion.service, copies=[
            c for c in rules.copies if c != opinion.service],
            explanation=f"{learned} (rules said {rules.service}: {rules.explanation})")
    if opinion.probability >= settings.doubt_probability:
        return replace(rules, service=TRIAGE, copies=[],
                       explanation=f"rules ({rules.service}) and learning disagree: {learned}; "
                                   f"rules: {rules.explanation}")
    share = opinion.probabilities.get(rules.service)
    if share is not None and share < settings.dissent_probability:
        # the model leans nowhere surely, but finds next to nothing of the rules' service
        # (one it knows): the rules' keywords most likely belong to something else the
        # letter mentions
        return replace(rules, service=TRIAGE, copies=[], explanation=(
            f"learning finds little of {rules.service} in it (p={share:.2f}; {learned}); "
            f"rules: {rules.explanation}"))
    return replace(rules, explanation=f"{rules.explanation}; {learned} (not trusted)")


def _beside_triage(rules: Decision, opinion: Opinion, settings: LearningConfig,
                   learned: str) -> Decision:
    """What the model may do with a letter the rules sent to triage: route it when the
    rules only lacked evidence, never when they left it to a person."""
    if rules.for_person:
        return replace(rules, explanation=f"{rules.explanation}; {learned} (left to a person)")
    if opinion.service in rules.candidates and opinion.probability >= settings.agree_probability:
        # two independent readings of the letter lean the same way: enough to route it
        return replace(rules, service=opinion.service, candidates=[],
                       explanation=f"{learned} confirms what the rules leaned to "
                                   f"({rules.explanation})")
    if opinion.probability >= settings.alone_probability:
        return replace(rules, service=opinion.service,
                       explanation=f"{learned} (rules said triage: {rules.explanation})")
    return replace(rules, explanation=f"{rules.explanation}; {learned} (not trusted)")


class Learner:
    """The register node's use of the model: loaded from the data dir, reloaded when
    `courrier train` replaces it, retrained after `retrain_after_corrections` corrections."""

    def __init__(self, register: Register, path: Path, settings: LearningConfig) -> None:
        self.register = register
        self.path = path
        self.settings = settings
        self.model = RoutingModel.load(path)
        self._loaded_mtime = self._mtime()

    def _mtime(self) -> float | None:
        try:
            return self.path.stat().st_mtime
        except FileNotFoundError:
            return None

    def refresh(self) -> None:
        """Reload a model trained elsewhere; retrain after enough new corrections."""
        if self._mtime() != self._loaded_mtime:
            self.model = RoutingModel.load(self.path)
            self._loaded_mtime = self._mtime()
        since = self.model.trained_at if self.model else None
        if self.register.correction_count(since) >= self.settings.retrain_after_corrections:
            trained = train_model(self.register, self.path, self.settings)
            if trained is not None:
                self.model, self._loaded_mtime = trained, self._mtime()

    def decide(self, rules: Decision, text: str, subject: str | None) -> Decision:
        self.refresh()
        opinion = self.model.opinion(text, subject) if self.model else None
        return combine(rules, opinion, self.settings, self.model)
