# ruff: noqa: E501  (phrase banks: long French sentences are data, not code)
"""Phrase banks of the *held-out* corpus (Maine-et-Loire / Sarthe senders).

Nothing here is shared with ``corpus_banks.py``: other mairie, towns, people, companies,
wording, subject labels and page layouts.  Use it (``--heldout``) to measure how well a
classifier or extractor tuned on the main corpus generalises.
"""

from __future__ import annotations

NAME = "heldout"

MAIRIE = {
    "commune": "Saint-Barthélemy-d'Anjou",
    "postcode": "49124",
    "dept": "049",
    "insee": "267",
    "address": "Place Jean XXIII",
    "email": "courrier@ville-stbarthelemy49.fr",
}
MAYOR = "Madame la Maire"

PLACES = [
    ("Saint-Barthélemy-d'Anjou", "49124"),
    ("Angers", "49000"),
    ("Trélazé", "49800"),
    ("Avrillé", "49240"),
    ("Les Ponts-de-Cé", "49130"),
    ("Beaucouzé", "49070"),
    ("Saumur", "49400"),
    ("Le Mans", "72000"),
    ("Sablé-sur-Sarthe", "72300"),
    ("La Flèche", "72200"),
]

FIRST_F = ["Aurélie", "Maëlle", "Brigitte", "Agnès", "Océane", "Gwenaëlle", "Martine",
           "Solène", "Inès", "Bernadette", "Anaïs", "Coralie"]
FIRST_M = ["Yves", "Loïc", "Baptiste", "Jérôme", "Mathis", "Régis", "Dominique", "Gaël",
           "Alain", "Killian", "Benoît", "Rémi"]
LAST = ["Gaudin", "Pasquier", "Chauvin", "Bouvier", "Rabouin", "Cailleau", "Tessier", "Hamon",
        "Jouanneau", "Gohier", "Ménard", "Allard", "Landais", "Bréchet", "Pelletier", "Tardif"]
CHILD_NAMES = ["Timéo", "Zoé", "Noah", "Lina", "Maël", "Rose", "Sacha", "Anna"]

STREETS = ["rue de la Paperie", "boulevard de la Romanerie", "chemin des Ardoisières",
           "rue du Haut-Pressoir", "allée des Hortensias", "rue Pierre de Coubertin",
           "route de Brain", "square des Noisetiers", "rue de la Croix-Blanche"]
EMAIL_DOMAINS = ["hotmail.fr", "outlook.fr", "yahoo.fr", "bbox.fr", "neuf.fr", "icloud.com"]

COMPANIES = {
    "batiment": [("SAS", "Anjou Rénovation Bâti"), ("SARL", "Charpentes Tessier & Fils")],
    "voirie": [("SAS", "Terrassements de l'Authion"), ("SNC", "Eurovia Pays de Loire Sud")],
    "eclairage": [("SARL", "Électro-Réseaux Ligériens")],
    "fournitures": [("SAS", "Fournitures Angevines"), ("EURL", "Copie Service 49")],
    "restauration": [("SAS", "Saveurs d'Anjou Collectivités")],
    "espaces-verts": [("SARL", "Verts Horizons"), ("SAS", "Élagage du Maine")],
}
CATALOGUE = {
    "batiment": [("Réfection de couverture ardoise", "m²", (70, 140), 20.0),
                 ("Traitement de charpente", "forfait", (600, 1900), 10.0),
                 ("Remplacement de gouttière zinc", "ml", (35, 70), 20.0)],
    "voirie": [("Enrobé à chaud BBSG 0/10", "t", (110, 180), 20.0),
               ("Signalisation temporaire de chantier", "forfait", (250, 600), 20.0),
               ("Reprise de caniveau", "ml", (40, 90), 20.0)],
    "eclairage": [("Dépannage point lumineux", "u", (90, 210), 20.0),
                  ("Fourniture mât acier 6 m", "u", (450, 900), 20.0)],
    "fournitures": [("Photocopies couleur A3", "u", (0.08, 0.2), 20.0),
                    ("Classeurs à levier", "lot", (20, 45), 20.0),
                    ("Fauteuil de bureau ergonomique", "u", (180, 340), 20.0)],
    "restauration": [("Déjeuner enfant bio", "repas", (3.1, 4.2), 5.5),
                     ("Portage repas senior", "repas", (7, 10), 5.5)],
    "espaces-verts": [("Abattage arbre dangereux", "u", (300, 1200), 20.0),
                      ("Broyage des rémanents", "h", (60, 95), 20.0)],
}

PUBLIC = {
    "prefecture": {"name": "Préfecture de Maine-et-Loire", "lines": ["Place Michel Debré", "49934 Angers Cedex 9"],
                   "town": "Angers", "domain": "maine-et-loire.gouv.fr",
                   "dept": "Direction de la citoyenneté et de la légalité",
                   "signer": ["Le sous-préfet, secrétaire général"]},
    "dgfip": {"name": "Trésorerie d'Angers Municipale", "lines": ["DGFiP – Centre des finances publiques", "1 rue Talot", "49100 Angers"],
              "town": "Angers", "domain": "dgfip.finances.gouv.fr", "dept": "Recouvrement des produits locaux",
              "signer": ["L'inspectrice divisionnaire"]},
    "caf": {"name": "CAF de Maine-et-Loire", "lines": ["32 rue Louis Gain", "49927 Angers Cedex 9"],
            "town": "Angers", "domain": "caf.fr", "dept": "Service partenaires", "signer": ["Le responsable du pôle partenaires"]},
    "cdg": {"name": "CDG 49", "lines": ["Centre de gestion de Maine-et-Loire", "9 rue du Clon", "49000 Angers"],
            "town": "Angers", "domain": "cdg49.fr", "dept": "Service santé au travail",
            "signer": ["La directrice générale des services"]},
    "departement": {"name": "Département de Maine-et-Loire", "lines": ["Hôtel du Département", "CS 94104", "49941 Angers Cedex 9"],
                    "town": "Angers", "domain": "maine-et-loire.fr", "dept": "Direction du développement territorial",
                    "signer": ["La Présidente du Conseil départemental"]},
    "dsden": {"name": "Inspection académique de Maine-et-Loire", "lines": ["15 bis rue Dupetit-Thouars", "49047 Angers Cedex 01"],
              "town": "Angers", "domain": "ac-nantes.fr", "dept": "Service de la carte scolaire",
              "signer": ["L'inspectrice d'académie, DASEN"]},
}

ASSOCIATIONS = ["Amicale laïque du Pressoir", "Union sportive barthélemoise", "Association Les Jardins partagés de la Romanerie",
                "Secours populaire – comité d'Angers-Est", "Chorale À Travers Chants"]
NOTAIRES = [("SELAS", "Ménard-Gohier, office notarial", "Angers"),
            ("SCP", "Étude Hamon & Landais", "Trélazé")]
ELUS = [("M. Régis Tardif", "Conseiller départemental du canton d'Angers-6"),
        ("Mme Solène Bréchet", "Conseillère municipale d'opposition")]

SCHOOLS = ["école publique Jacques Prévert", "école maternelle du Val d'Or", "école élémentaire Pierre et Marie Curie"]
PROJECTS = ["une véranda de 18 m²", "la surélévation de mon garage", "un portail et un muret",
            "l'installation de panneaux photovoltaïques", "la transformation d'une grange en habitation"]
EVENTS = ["le forum des associations", "la remise des prix du concours de fleurissement",
          "notre soirée cabaret annuelle", "la fête de la Saint-Jean"]
JOBS = ["gardien de gymnase", "ATSEM", "chargé(e) d'accueil", "agent de restauration", "policier municipal"]

SUBJECT_LABELS = ["Concerne :", "Concerne :", "Objet :", "Sujet :", None]
SALUTATIONS = ["{mayor},", "Chère Madame la Maire,", "Madame,", "Bonjour,"]
CLOSINGS = [
    "Avec mes remerciements, je vous prie de recevoir, {mayor}, mes respectueuses salutations.",
    "Comptant sur votre bienveillance, je vous adresse, {mayor}, mes meilleures salutations.",
    "En vous remerciant de votre attention, veuillez croire à mes sentiments les meilleurs.",
]
PRO_CLOSINGS = [
    "Nous vous prions de croire, {mayor}, à l'expression de nos sentiments dévoués.",
    "Je vous prie de recevoir, {mayor}, l'expression de mes salutations les plus cordiales.",
]
DISTRACTORS = [
    "Au passage, les horaires de la garderie conviennent parfaitement à notre famille.",
    "Je n'ai pas encore reçu ma facture d'eau mais ce n'est pas l'objet de ma lettre.",
    "Mon voisin, lui, attend toujours la réponse à sa demande de logement.",
    "J'ai déjà rencontré votre adjoint à l'urbanisme à ce propos lors du marché.",
]

DOCS: dict[str, dict] = {
    "demande-acte-etat-civil": {
        "sender": "citizen",
        "subjects": ["Acte de naissance – demande de copie", "Besoin d'un acte de reconnaissance"],
        "paras": [
            ["Pourriez-vous me faire parvenir une copie de mon acte de naissance ? Je suis né(e) à {commune} le {date1}.",
             "J'aurais besoin de la copie de l'acte de reconnaissance de mon enfant, établi le {date1} en votre mairie."],
            ["C'est pour un dossier de passeport en cours.", "L'organisme qui me le réclame exige une copie de moins de trois mois."],
        ],
        "refs": [],
    },
    "dossier-mariage": {
        "sender": "citizen",
        "subjects": ["Notre futur mariage", "Union de {person} et {spouse}"],
        "paras": [
            ["Mon fiancé(e) {spouse} et moi avons choisi votre commune pour nous dire oui le {date1}.",
             "Nous déposons ce jour les documents nécessaires à la publication des bans."],
            ["Pouvez-vous nous confirmer la disponibilité de la salle des mariages ?",
             "Les justificatifs d'identité de nos témoins, {witness1} et {witness2}, sont joints."],
        ],
        "refs": ["dossier"],
        "long": True,
    },
    "pacs": {
        "sender": "citizen",
        "subjects": ["Pacte civil de solidarité", "Dissolution de PACS"],
        "paras": [
            ["Nous souhaitons faire enregistrer notre pacte civil de solidarité par la mairie.",
             "Je vous informe de ma décision de dissoudre le PACS conclu avec {spouse} le {date1}."],
            ["Quelles sont les pièces à fournir et faut-il prendre rendez-vous ?", "Je joins la copie de la signification par huissier."],
        ],
        "refs": [],
    },
    "recensement-citoyen": {
        "sender": "citizen",
        "subjects": ["Recensement militaire de {child}", "Attestation JDC"],
        "paras": [
            ["{child} vient d'avoir 16 ans et nous voudrions faire son recensement.",
             "Mon enfant {child} doit présenter une attestation de recensement pour s'inscrire à un examen."],
            ["Nous avons égaré son ancienne attestation.", "Nous joignons sa carte d'identité."],
        ],
        "refs": [],
    },
    "concession-cimetiere": {
        "sender": "citizen",
        "subjects": ["Sépulture de la famille {person}", "Tombe au cimetière – renouvellement"],
        "paras": [
            ["La concession familiale où est inhumé(e) {deceased} expire et je souhaiterais la prolonger.",
             "Je désire réserver un emplacement au columbarium du cimetière."],
            ["Merci de m'indiquer le montant à régler.", "Je suis disponible pour signer en mairie."],
        ],
        "refs": ["vref"],
    },
    "permis-construire": {
        "sender": "citizen",
        "subjects": ["Mon projet de construction", "Dossier {ref} – plans modifiés"],
        "paras": [
            ["Je vous soumets ma demande d'autorisation de construire pour {project}, terrain cadastré {parcel}.",
             "Comme suite à l'entretien avec votre service instructeur, voici les plans corrigés."],
            ["La surface créée atteint {surface} m².", "Le projet a reçu l'avis favorable de l'architecte des Bâtiments de France."],
            ["Je souhaite savoir quand je pourrai commencer les travaux."],
        ],
        "refs": ["pc"],
        "long": True,
        "attachment": "Demande PC – plans modifiés.pdf",
    },
    "declaration-prealable": {
        "sender": "citizen",
        "subjects": ["Travaux – déclaration", "Autorisation pour {project}"],
        "paras": [
            ["Je vous adresse le cerfa de déclaration de travaux pour {project} {street_issue}.",
             "Ma déclaration de travaux n'est pas complète selon votre lettre du {date1} : voici la pièce manquante."],
            ["Les teintes choisies sont celles du nuancier communal."],
        ],
        "refs": ["dp"],
        "attachment": "Déclaration de travaux – véranda.pdf",
    },
    "certificat-urbanisme": {
        "sender": "notaire",
        "subjects": ["Demande de CU a)", "Renseignements d'urbanisme – {parcel}"],
        "paras": [
            ["Nous avons été chargés de la vente d'un terrain cadastré {parcel} et vous demandons un certificat d'urbanisme.",
             "Afin de renseigner l'acquéreur, nous sollicitons un certificat d'urbanisme pour la parcelle {parcel}."],
            ["Le compromis doit être signé le {date1}."],
        ],
        "refs": ["cu"],
    },
    "dia": {
        "sender": "notaire",
        "subjects": ["Droit de préemption – notification", "DIA {person_client}"],
        "paras": [
            ["Veuillez trouver ci-joint la déclaration d'intention d'aliéner afférente au bien {street_issue}, parcelle {parcel}.",
             "Nous vous notifions le projet de cession d'un immeuble appartenant à {person_client}."],
            ["Prix convenu : {price}.", "L'acte authentique est prévu le {date1}."],
        ],
        "refs": ["dia"],
    },
    "cadastre": {
        "sender": "citizen",
        "subjects": ["Plan de ma parcelle", "Numéro de parcelle erroné"],
        "paras": [
            ["Je souhaiterais consulter le plan de la parcelle {parcel} ainsi que le nom des propriétaires voisins.",
             "Sur mon avis de taxe foncière, la parcelle {parcel} est rattachée à un autre propriétaire."],
            ["Un bornage est prévu le {date1}."],
        ],
        "refs": [],
    },
    "facture": {
        "sender": "company",
        "subjects": ["Votre facture {ref}", "Facturation de nos prestations"],
        "paras": [
            ["Nous avons l'avantage de vous remettre notre facture pour les prestations exécutées.",
             "Ci-dessous le détail des fournitures livrées à vos services techniques."],
            ["Paiement à réception par virement administratif."],
        ],
        "refs": ["facture"],
        "invoice": True,
        "attachment": "Facture_{ref}.pdf",
    },
    "devis": {
        "sender": "company",
        "subjects": ["Estimation des travaux", "Offre de prix {ref}"],
        "paras": [
            ["Vous avez bien voulu nous consulter ; voici le chiffrage de l'opération.",
             "Nous vous remettons notre offre de prix pour la prestation sollicitée."],
            ["Offre valable 60 jours.", "Bon pour accord : merci de nous retourner ce document signé."],
        ],
        "refs": ["devis"],
        "invoice": True,
    },
    "relance-paiement": {
        "sender": "company",
        "subjects": ["Rappel : facture échue", "Mise en demeure de payer"],
        "paras": [
            ["Notre facture {ref} d'un total de {amount} TTC n'est toujours pas payée à ce jour.",
             "Malgré notre premier rappel, le solde de {amount} TTC relatif à la facture {ref} reste dû."],
            ["Sans règlement sous quinze jours, nous engagerons une procédure de recouvrement."],
        ],
        "refs": ["facture"],
        "amount": True,
    },
    "courrier-tresorerie": {
        "sender": "public:dgfip",
        "subjects": ["Situation de la trésorerie communale", "Suspension de paiement"],
        "paras": [
            ["Je suspends le paiement du mandat n° {n} : le certificat administratif fait défaut.",
             "Le solde du compte au Trésor de la commune appelle votre vigilance pour le prochain trimestre."],
            ["Merci de m'adresser les pièces nécessaires."],
        ],
        "refs": ["vref"],
    },
    "notification-subvention": {
        "sender": "public:departement",
        "subjects": ["Décision d'attribution", "Aide départementale accordée"],
        "paras": [
            ["Je vous informe qu'une aide de {amount} est allouée à votre commune pour {project_commune}.",
             "La commission permanente du {date1} a décidé de soutenir {project_commune} à hauteur de {amount}."],
            ["Un acompte pourra être versé au démarrage des travaux."],
        ],
        "refs": ["dossier"],
    },
    "candidature": {
        "sender": "citizen",
        "subjects": ["Poste de {job}", "Offre de service"],
        "paras": [
            ["Votre annonce pour un poste de {job} a retenu toute mon attention.",
             "Je vous propose mes services en tant que {job} au sein de votre collectivité."],
            ["Disponible immédiatement, je joins mon CV.", "J'ai exercé cinq ans dans une commune voisine."],
        ],
        "refs": [],
    },
    "arret-maladie": {
        "sender": "agent",
        "subjects": ["Avis d'arrêt de travail", "Absence pour raison de santé"],
        "paras": [
            ["Je suis en arrêt maladie du {date1} au {date2} ; voici le volet destiné à l'employeur.",
             "Mon médecin m'a prescrit un arrêt prolongé jusqu'au {date2}."],
            ["Je préviendrai le service dès ma reprise."],
        ],
        "refs": [],
    },
    "courrier-centre-gestion": {
        "sender": "public:cdg",
        "subjects": ["Dossier de retraite – {agent}", "Visite médicale périodique"],
        "paras": [
            ["Nous avons instruit le dossier de retraite de {agent}, agent de votre commune.",
             "Le médecin du travail recevra {agent} le {date1} pour sa visite périodique."],
            ["Merci de transmettre cette information à l'agent."],
        ],
        "refs": ["dossier"],
        "long": True,
    },
    "formation": {
        "sender": "agent",
        "subjects": ["Départ en formation", "Demande de stage"],
        "paras": [
            ["Je sollicite l'autorisation de participer au stage « {training} » prévu le {date1}.",
             "Pourrais-je suivre la préparation au concours de rédacteur territorial ?"],
            ["Mon responsable de service a donné un avis favorable."],
        ],
        "refs": [],
    },
    "signalement-voirie": {
        "sender": "citizen",
        "subjects": ["Chaussée défoncée", "Trous dans la route {street_issue}"],
        "paras": [
            ["Les trous dans la chaussée {street_issue} s'agrandissent de jour en jour.",
             "Un regard d'égout s'est affaissé au carrefour de la {street_issue}."],
            ["Mon pneu a éclaté en passant dessus.", "Les cyclistes doivent faire des écarts dangereux."],
        ],
        "refs": [],
    },
    "demande-intervention": {
        "sender": "citizen",
        "subjects": ["Besoin d'un passage des services municipaux", "Dépôt sauvage"],
        "paras": [
            ["Des déchets ont été abandonnés près du point d'apport volontaire {street_issue}.",
             "La haie communale déborde sur le trottoir et empêche le passage des poussettes."],
            ["Merci d'envoyer une équipe."],
        ],
        "refs": [],
    },
    "eclairage-public": {
        "sender": "citizen",
        "subjects": ["Rue dans l'obscurité", "Réverbère défectueux"],
        "paras": [
            ["Le réverbère du n° {n} {street_issue} clignote toute la nuit.",
             "Depuis le {date1}, aucun lampadaire ne fonctionne dans le square."],
            ["C'est inquiétant pour les piétons le soir."],
        ],
        "refs": [],
    },
    "inscription-scolaire": {
        "sender": "citizen",
        "subjects": ["Scolarisation de {child}", "Entrée en maternelle"],
        "paras": [
            ["Nous arrivons dans la commune et voudrions scolariser {child} en {child_class}.",
             "{child} aura trois ans cette année : nous souhaitons l'inscrire à l'{school}."],
            ["Je joins un justificatif de domicile."],
        ],
        "refs": [],
    },
    "cantine": {
        "sender": "citizen",
        "subjects": ["Repas de {child}", "Facture de restauration"],
        "paras": [
            ["{child} ne mangera plus au restaurant scolaire à partir du {date1}.",
             "Le montant facturé ce mois-ci pour les repas de {child} ({amount}) me paraît erroné."],
            ["Merci de régulariser."],
        ],
        "refs": [],
    },
    "periscolaire": {
        "sender": "citizen",
        "subjects": ["Garderie", "Accueil de loisirs"],
        "paras": [
            ["Est-il possible d'inscrire {child} à la garderie du soir ?",
             "Nous voudrions réserver les mercredis à l'accueil de loisirs pour {child}."],
            ["Notre quotient familial CAF est joint."],
        ],
        "refs": [],
    },
    "aide-sociale": {
        "sender": "citizen",
        "subjects": ["Sollicitation du CCAS", "Difficultés financières"],
        "paras": [
            ["Je me trouve dans une situation financière très difficile et demande l'aide du CCAS.",
             "Je ne peux plus payer mon loyer depuis deux mois ; pouvez-vous m'aider ?"],
            ["Je perçois le RSA et j'élève seul(e) mes enfants."],
        ],
        "refs": ["allocataire"],
        "long": True,
    },
    "demande-logement": {
        "sender": "citizen",
        "subjects": ["Recherche d'un logement", "Appui pour ma demande HLM"],
        "paras": [
            ["Je cherche un appartement de type T3 sur la commune.",
             "Ma demande de logement social n'a toujours pas abouti."],
            ["Ma situation familiale a changé.", "Je vous remercie d'appuyer mon dossier."],
        ],
        "refs": ["nun"],
    },
    "courrier-prefecture": {
        "sender": "public:prefecture",
        "subjects": ["Observations sur un acte", "Plan communal de sauvegarde"],
        "paras": [
            ["L'arrêté municipal du {date1} me paraît entaché d'illégalité.",
             "Je vous rappelle l'obligation de mettre à jour le plan communal de sauvegarde."],
            ["Je vous saurais gré de me tenir informé des suites données."],
        ],
        "refs": ["nref"],
    },
    "invitation": {
        "sender": "asso",
        "subjects": ["Carton d'invitation", "Venez nombreux !"],
        "paras": [
            ["C'est avec plaisir que nous vous invitons à {event} le {date1}.",
             "Nos bénévoles seraient honorés de votre venue à {event}."],
            ["Réponse souhaitée avant le {date2}."],
        ],
        "refs": [],
    },
    "demande-subvention": {
        "sender": "asso",
        "subjects": ["Sollicitation financière", "Aide au projet {year}"],
        "paras": [
            ["Notre association a besoin du soutien financier de la ville pour poursuivre ses activités.",
             "Pour financer {event}, nous sollicitons une participation de {amount}."],
            ["Le budget prévisionnel est joint."],
        ],
        "refs": [],
    },
    "courrier-elu": {
        "sender": "elu",
        "subjects": ["Question écrite", "Interpellation d'un élu"],
        "paras": [
            ["Au nom de mon groupe, je souhaite connaître le coût des travaux de la salle des fêtes.",
             "Des administrés m'ont alerté(e) sur la fermeture d'une classe ; je souhaite en parler avec vous."],
            ["Je vous remercie de me répondre avant le prochain conseil."],
        ],
        "refs": [],
    },
    "autre:merci": {
        "sender": "citizen",
        "subjects": ["Merci !", None],
        "paras": [["Un mot pour saluer le travail de vos agents lors de la fête du village."],
                  ["Continuez ainsi."]],
        "refs": [],
    },
    "autre:pub": {
        "sender": "company",
        "subjects": ["Offre découverte", "Votre commune mérite mieux"],
        "paras": [["Équipez votre commune de nos bancs connectés à prix promotionnel."],
                  ["Offre valable jusqu'au {date2}."]],
        "refs": [],
    },
    "autre:mixte": {
        "sender": "citizen",
        "subjects": ["Divers", None],
        "paras": [["J'ai plusieurs choses à vous dire : la route est abîmée, ma fille veut s'inscrire à la garderie et je cherche un logement."],
                  ["Et qui dois-je contacter pour un acte de naissance ?"]],
        "refs": [],
    },
}

EMAIL_ATTACH_INTROS = [
    "Madame,\n\nCi-joint {what}.\n\nSalutations,",
    "Bonjour,\n\nJe vous envoie {what} en pièce jointe.\n\nMerci,",
]
EMAIL_GREETINGS = ["Madame la Maire,", "Bonjour Madame,", "Bonjour à tous,"]
EMAIL_SIGNOFFS = ["Salutations,", "Merci et bonne journée,", "Respectueusement,"]
FORWARD_NOTES = ["Message reçu à l'accueil, pour attribution.", "Je vous fais suivre."]
FORWARDERS = [("Cabinet de la Maire", "cabinet@ville-stbarthelemy49.fr"),
              ("Solène Bréchet", "solene.brechet@yahoo.fr")]
ATTACH_WHAT = ["la pièce « {name} »", "mon dossier ({name})"]
THOUSANDS_SEPARATORS = ("\u202f", " ")
ANNEX_TITLES = ["Bordereau d'envoi", "Documents annexés"]
ANNEX_LINES = [
    "Pièce d'identité recto verso",
    "Quittance de loyer récente",
    "Extrait cadastral de la parcelle {parcel}",
    "Lettre de {person} datée du {date2}",
    "Certificat médical du {date1}",
    "Avis de situation CAF",
    "Plan de masse coté",
]

# Layouts not used by the main corpus: indented paragraphs, plain subject, banded header.
LAYOUTS = [
    {"sender_side": "right", "date_pos": "top-right", "font": "Times-Roman", "letterhead": "band",
     "indent": True, "bold_subject": False},
    {"sender_side": "left", "date_pos": "left", "font": "Helvetica", "letterhead": "band",
     "indent": True, "bold_subject": True},
    {"sender_side": "right", "date_pos": "left", "font": "Courier", "letterhead": "bold",
     "indent": False, "bold_subject": False},
]
