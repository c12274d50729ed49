"""Routing rules: the best document type decides the service; weak or contested letters
wait in triage; a commune may have rules of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.folding import fold
from pipeline.routing import ASIDE_FACTOR, route_item, score_doc_types
from tests.conftest import config_text


@pytest.fixture
def rules(config):
    return config.default_commune.routing


@pytest.mark.parametrize("subject, body, service, doc_type", [
    ("Demande de copie intégrale d'acte de naissance", "Je vous prie de m'adresser une copie.",
     "etat-civil", "demande-acte-etat-civil"),
    ("Dépôt d'une déclaration préalable", "Pour la construction d'un abri de jardin de 9 m².",
     "urbanisme", "declaration-prealable"),
    (None, "FACTURE N° FA-2026-0042\nTotal TTC 1 234,56 €\nNet à payer", "finances", "facture"),
    ("Nid de poule rue des Écoles", "Un affaissement de la chaussée est dangereux.",
     "services-techniques", "signalement-voirie"),
    ("Inscription à la cantine", "Mon fils mangera au restaurant scolaire le lundi.",
     "affaires-scolaires", "cantine"),
    ("Demande de logement social", "Je souhaite déposer une demande auprès d'un bailleur social.",
     "action-sociale", "demande-logement"),
    ("Candidature au poste d'agent technique", "Veuillez trouver mon curriculum vitae.",
     "ressources-humaines", "candidature"),
    ("Contrôle de légalité", "Le préfet a examiné la délibération du conseil municipal.",
     "secretariat-general", "courrier-prefecture"),
])
def test_clear_letters_go_to_their_service(rules, subject, body, service, doc_type) -> None:
    decision = route_item(f"{subject or ''}\n{body}", subject, rules)
    assert (decision.service, decision.doc_type) == (service, doc_type)
    assert decision.doc_type in decision.explanation
    assert decision.matched


def test_a_letter_that_matches_nothing_goes_to_triage(rules) -> None:
    decision = route_item("Bonjour, merci pour votre accueil chaleureux.", None, rules)
    assert decision.service == "triage"
    assert decision.explanation == "no rule matched"


def test_a_weak_score_goes_to_triage(rules) -> None:
    decision = route_item("Il y a eu une prolongation.", None, rules)  # one weight-1 keyword
    assert decision.service == "triage"
    assert "too low" in decision.explanation
    assert decision.candidates == ["ressources-humaines"]  # what learning may confirm


def test_a_contested_letter_goes_to_triage(rules) -> None:
    text = "Facture de la cantine"  # facture (finances) vs cantine (scolaire), equal
    decision = route_item(text, text, rules)
    assert decision.service == "triage"
    assert "too close" in decision.explanation
    assert sorted(decision.candidates) == ["affaires-scolaires", "finances"]


def test_the_subject_line_weighs_more_than_the_body(rules) -> None:
    body = "Nous évoquons la cantine. Nous évoquons la facture."
    assert route_item(body, "Facture", rules).service == "finances"
    assert route_item(body, "Cantine", rules).service == "affaires-scolaires"


def test_keywords_match_whole_words_without_case_or_accents(rules) -> None:
    assert route_item("DÉCLARATION PRÉALABLE", None, rules).service == "urbanisme"
    # "dia" must not fire inside "media" or "immédiatement"
    decision = route_item("Nous avons immédiatement contacté les médias.", None, rules)
    assert "dia" not in decision.matched
    # after an elided article, and a word's other endings where the keyword allows them
    elided = route_item("Je demande l'acte d'état civil de mon père.", None, rules)
    assert "acte d'etat civil" in elided.matched
    assert "funeraire" in route_item("Les frais funéraires", None, rules).matched


def test_a_commune_can_have_its_own_rules(tmp_path: Path) -> None:
    extra = ('\n[communes.doc_types.marche-hebdomadaire]\nservice = "secretariat-general"\n'
             'keywords = ["marche hebdomadaire=5", "emplacement=2"]\n')
    text = config_text(communes=[("ville", "inbox-ville")])
    start = text.index("[services]")
    text = text[:start] + extra.lstrip("\n") + "\n" + text[start:]
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path, tmp_path / "data")
    decision = route_item("Demande d'emplacement au marché hebdomadaire", None,
                          config.commune("ville").routing)
    assert decision.doc_type == "marche-hebdomadaire"


def test_fold() -> None:
    assert fold("Objet : Déclaration  Préalable – n° 12") == "objet declaration prealable n 12"
    assert fold("L’œuvre") == "l'oeuvre"


@pytest.mark.parametrize("broken, message", [
    ("[services]\netat-civil = 'x'\n", "triage"),
    ("[[communes]]\nid = 'Bad Id'\n[services]\ntriage='t'\n", "commune id"),
    ("not toml [", "not valid TOML"),
])
def test_bad_configs_are_refused_with_a_clear_reason(tmp_path: Path, broken, message) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path, tmp_path / "data")


def test_a_store_inside_the_inbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(config_text(communes=[("x", str(tmp_path))]), encoding="utf-8")
    with pytest.raises(ConfigError, match="inside the watched folder"):
        load_config(path, tmp_path / "data")


def test_a_matter_mentioned_in_passing_weighs_less(rules) -> None:
    text = ("Je souhaite inscrire ma fille à l'école maternelle à la rentrée. "
            "Par ailleurs, le lampadaire de notre rue est éteint.")
    decision = route_item(text, None, rules)
    assert decision.service == "affaires-scolaires"
    without_aside = route_item(text.replace("Par ailleurs, le", "Le"), None, rules)
    assert without_aside.score == decision.score  # the aside's keywords are in another service
    assert without_aside.margin < decision.margin


def test_the_list_of_enclosed_documents_weighs_less(rules) -> None:
    letter = ("Objet : logement\nJe souhaite déposer une demande de logement social pour ma "
              "famille.\n\fPièces jointes\n— Copie intégrale de l'acte de naissance\n"
              "— Livret de famille\n— Extrait d'acte de mariage")
    decision = route_item(letter, None, rules)
    assert decision.service == "action-sociale"
    inline = route_item(letter.replace("Pièces jointes\n", ""), None, rules)
    assert inline.service != "action-sociale"  # the same words as sentences of the letter


def test_an_enclosures_line_under_the_subject_leaves_the_letter_whole(rules) -> None:
    letter = ("Objet : demande\nP.J. : trois pièces\n\nMonsieur le Maire,\nJe vous "
              "adresse ma demande de permis de construire pour une maison individuelle.")
    decision = route_item(letter, None, rules)
    assert decision.service == "urbanisme"
    assert decision.score == route_item(letter.replace("P.J. : trois pièces\n", ""),
                                        None, rules).score


def test_the_note_of_who_forwarded_an_email_weighs_less(rules) -> None:
    forwarded = ("Reçu à l'accueil, c'est peut-être pour la cantine ou le périscolaire ?\n\n"
                 "---------- Message transféré ----------\nDe : M. Paul Roy <p.roy@example.org>"
                 "\nObjet : rue des Lilas\n\nBonjour,\nLe lampadaire devant le n° 4 reste "
                 "éteint depuis une semaine.")
    decision = route_item(forwarded, None, rules)
    assert decision.service == "services-techniques"
    as_written = route_item(forwarded.replace("---------- Message transféré ----------", ""),
                            None, rules)
    assert as_written.margin < decision.margin


def test_the_lines_of_a_bill_weigh_less_than_the_bill(rules) -> None:
    quote = ("Devis n° D-2026-12\nDésignation Qté PU HT Total HT\n"
             "Goûter périscolaire 40 0,90 € 36,00 €\nRepas maternelle 10 3,20 € 32,00 €\n"
             "Total TTC 71,74 €")
    decision = route_item(quote, None, rules)
    assert decision.service == "finances" and decision.doc_type == "devis"
    unpriced = route_item(quote.replace(" €", ""), None, rules)
    assert unpriced.margin < decision.margin


def test_a_firms_legal_mentions_do_not_make_its_letter_a_bill(rules) -> None:
    letter = ("Nous vous informons du déménagement de nos bureaux à Quimper.\n"
              "SAS Lumière Ouest – capital 10 000 € – SIRET 601 344 021 00956 – "
              "TVA FR46601344021 – RCS Quimper")

    def bill_score(text: str) -> float:
        return next(score for score, doc_type, _, _ in score_doc_types(text, None, rules)
                    if doc_type == "facture")

    # read as an aside, like a matter mentioned in passing
    in_a_sentence = "Nos prix s'entendent hors TVA ; notre SIRET est le 601 344 021 00956."
    assert bill_score(letter) == pytest.approx(ASIDE_FACTOR * bill_score(in_a_sentence))


def test_related_document_types_reinforce_their_service(rules) -> None:
    # "emploi" (candidature) and "centre de gestion" (its own type) are both RH
    text = "Le Centre de gestion publiera la vacance de poste sur la bourse de l'emploi."
    decision = route_item(text, None, rules)
    assert decision.service == "ressources-humaines"
    assert decision.score > max(s for s, *_ in score_doc_types(text, None, rules))


def test_a_letter_about_several_matters_waits_for_a_person(rules) -> None:
    decision = route_item("Objet : Demandes diverses\nJe voudrais vous faire part de plusieurs "
                          "remarques sur le lampadaire et la cantine.", "Demandes diverses", rules)
    assert decision.service == "triage"
    assert decision.doc_type == "autre"
