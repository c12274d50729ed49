# ruff: noqa: E501  (phrase banks: long French sentences are data, not code)
"""Phrase banks of the *main* corpus (Loiret / Cher / Loir-et-Cher senders).

The held-out corpus uses ``corpus_heldout.py`` instead: other towns, names, wording and
layouts, so that a score on it says something about generalisation.

Templates are ``str.format`` strings; the placeholders are filled by
``corpus_content.build_letter`` (see ``CONTEXT_KEYS`` there).
"""

from __future__ import annotations

NAME = "main"

MAIRIE = {
    "commune": "Saint-Denis-en-Val",
    "postcode": "45560",
    "dept": "045",
    "insee": "274",
    "address": "35 rue de Sandillon",
    "email": "accueil@mairie-saintdenisenval.fr",
}
MAYOR = "Monsieur le Maire"

PLACES = [
    ("Saint-Denis-en-Val", "45560"),
    ("Orléans", "45000"),
    ("Olivet", "45160"),
    ("Saint-Jean-de-Braye", "45800"),
    ("Chécy", "45430"),
    ("Fleury-les-Aubrais", "45400"),
    ("Saint-Jean-le-Blanc", "45650"),
    ("Bourges", "18000"),
    ("Vierzon", "18100"),
    ("Blois", "41000"),
    ("Romorantin-Lanthenay", "41200"),
]

FIRST_F = ["Claire", "Nathalie", "Sophie", "Isabelle", "Camille", "Léa", "Sandrine",
           "Hélène", "Chantal", "Émilie", "Valérie", "Julie", "Françoise", "Manon"]
FIRST_M = ["Jean", "Pierre", "Thomas", "Nicolas", "Julien", "François", "Olivier",
           "Michel", "Sébastien", "Christophe", "Antoine", "Hugo", "Gérard", "Yannick"]
LAST = ["Dubois", "Martin", "Bernard", "Lefèvre", "Moreau", "Girard", "Roux", "Fournier",
        "Mercier", "Blanchard", "Chevalier", "Lambert", "Gauthier", "Perrin", "Rousseau",
        "Boucher", "Lemoine", "Garnier", "Faure", "Morel", "Benoît", "Guérin"]
CHILD_NAMES = ["Lucas", "Emma", "Louise", "Gabriel", "Jade", "Arthur", "Chloé", "Nathan"]

STREETS = ["rue des Acacias", "allée des Tilleuls", "rue de la Loire", "chemin des Vignes",
           "rue Jules Ferry", "impasse des Lilas", "route d'Orléans", "rue du Moulin",
           "avenue de la Gare", "rue Victor Hugo", "chemin de la Levée", "rue des Écoles"]
EMAIL_DOMAINS = ["orange.fr", "gmail.com", "free.fr", "laposte.net", "wanadoo.fr", "sfr.fr"]

COMPANIES = {
    "batiment": [("SARL", "Bâtiments Loiret"), ("SAS", "Maçonnerie Val de Loire"),
                 ("EURL", "Couverture Dufresne")],
    "voirie": [("SAS", "Routes et Réseaux du Centre"), ("SA", "Colas Centre-Loire")],
    "eclairage": [("SARL", "Électricité Lemaire"), ("SAS", "Lumiville Réseaux")],
    "fournitures": [("SAS", "Bureau Plus Orléans"), ("SARL", "Papeterie Centrale")],
    "restauration": [("SAS", "Restauval"), ("SARL", "Cuisine des Bords de Loire")],
    "espaces-verts": [("SARL", "Jardins de Sologne"), ("EURL", "Paysages Moreau")],
    "informatique": [("SAS", "Logicom Collectivités"), ("SARL", "InfoMairie Services")],
}
CATALOGUE = {
    "batiment": [("Reprise d'enduit façade", "m²", (28, 65), 20.0),
                 ("Remplacement de tuiles", "u", (3, 9), 20.0),
                 ("Main-d'œuvre maçon", "h", (38, 55), 20.0),
                 ("Location échafaudage", "j", (45, 120), 20.0),
                 ("Mise aux normes accessibilité sanitaires", "forfait", (900, 2400), 10.0)],
    "voirie": [("Rebouchage nids-de-poule enrobé à froid", "t", (160, 240), 20.0),
               ("Marquage au sol passage piéton", "u", (180, 420), 20.0),
               ("Curage de fossé", "ml", (4, 11), 20.0),
               ("Pose de bordures T2", "ml", (28, 46), 20.0)],
    "eclairage": [("Remplacement lanterne LED 40 W", "u", (380, 690), 20.0),
                  ("Intervention nacelle", "h", (85, 140), 20.0),
                  ("Maintenance préventive armoire", "u", (60, 150), 20.0)],
    "fournitures": [("Ramette papier A4 80 g", "carton", (28, 42), 20.0),
                    ("Enveloppes C5 à fenêtre", "boîte", (12, 25), 20.0),
                    ("Cartouche toner noir", "u", (55, 130), 20.0),
                    ("Registre d'état civil relié", "u", (90, 160), 20.0)],
    "restauration": [("Repas élémentaire", "repas", (2.9, 3.8), 5.5),
                     ("Repas maternelle", "repas", (2.6, 3.4), 5.5),
                     ("Goûter périscolaire", "u", (0.6, 1.1), 5.5),
                     ("Repas adulte", "repas", (4.5, 6.5), 10.0)],
    "espaces-verts": [("Tonte des espaces verts", "passage", (280, 520), 20.0),
                      ("Taille de haies", "ml", (3, 7), 20.0),
                      ("Fourniture de massifs fleuris", "u", (18, 45), 10.0)],
    "informatique": [("Licence logiciel état civil", "an", (450, 1200), 20.0),
                     ("Assistance téléphonique", "an", (300, 700), 20.0),
                     ("Poste de travail reconditionné", "u", (380, 650), 20.0)],
}

PUBLIC = {
    "prefecture": {"name": "Préfecture du Loiret", "lines": ["181 rue de Bourgogne", "45042 Orléans Cedex 1"],
                   "town": "Orléans", "domain": "loiret.gouv.fr",
                   "dept": "Bureau des relations avec les collectivités locales",
                   "signer": ["Pour le préfet et par délégation,", "La secrétaire générale"]},
    "dgfip": {"name": "Service de gestion comptable d'Orléans", "lines": ["Direction générale des finances publiques", "4 place du Martroi", "45000 Orléans"],
              "town": "Orléans", "domain": "dgfip.finances.gouv.fr",
              "dept": "Secteur public local", "signer": ["Le comptable public,", "Responsable du SGC"]},
    "caf": {"name": "CAF du Loiret", "lines": ["Place Saint-Charles", "45946 Orléans Cedex 9"],
            "town": "Orléans", "domain": "caf.fr", "dept": "Action sociale",
            "signer": ["La directrice de l'action sociale"]},
    "cdg": {"name": "Centre de gestion de la FPT du Loiret", "lines": ["4 rue Charles Péguy", "45000 Orléans"],
            "town": "Orléans", "domain": "cdg45.fr", "dept": "Pôle carrières et emploi",
            "signer": ["Le Président du Centre de gestion"]},
    "departement": {"name": "Conseil départemental du Loiret", "lines": ["15 rue Eugène Vignat", "45945 Orléans"],
                    "town": "Orléans", "domain": "loiret.fr", "dept": "Direction de l'attractivité et des territoires",
                    "signer": ["Pour le Président et par délégation,", "Le directeur général adjoint"]},
    "dsden": {"name": "DSDEN du Loiret", "lines": ["Direction des services départementaux", "de l'éducation nationale", "Cité administrative Coligny", "45000 Orléans"],
              "town": "Orléans", "domain": "ac-orleans-tours.fr", "dept": "Division de l'organisation scolaire",
              "signer": ["L'inspecteur de l'éducation nationale", "de la circonscription Orléans-Sud"]},
}

ASSOCIATIONS = ["Association Les Amis du Patrimoine dionysien", "Comité des fêtes de Saint-Denis-en-Val",
                "Club de basket du Val", "Association Familles Rurales du Val de Loire",
                "Les Restos du Cœur – antenne d'Olivet", "Harmonie municipale La Lyre"]
NOTAIRES = [("SCP", "Durand & Marchal, notaires associés", "Orléans"),
            ("SELARL", "Office notarial des Bords de Loire", "Olivet")]
ELUS = [("M. Bernard Lemoine", "Conseiller municipal délégué aux sports"),
        ("Mme Anne Rivière", "Députée de la 2e circonscription du Loiret"),
        ("Mme Josiane Morel", "Adjointe au maire chargée des affaires scolaires")]

SCHOOLS = ["école maternelle Les Tilleuls", "école élémentaire Jules Verne", "groupe scolaire de la Loire"]
PROJECTS = ["un abri de jardin de 12 m²", "une extension de 25 m² de ma maison",
            "une clôture en limite de propriété", "une piscine enterrée de 32 m²",
            "le remplacement des menuiseries", "un carport accolé au garage"]
EVENTS = ["la cérémonie commémorative du 8 mai", "l'assemblée générale de notre association",
          "l'inauguration de la nouvelle salle polyvalente", "le repas annuel des aînés"]
JOBS = ["agent des espaces verts", "secrétaire de mairie", "agent d'entretien des bâtiments",
        "animateur périscolaire", "agent technique polyvalent"]

SUBJECT_LABELS = ["Objet :", "Objet :", "Objet :", "OBJET :", "Concerne :", None]
SALUTATIONS = ["{mayor},", "{mayor},", "Madame, Monsieur,", "{mayor}, Mesdames, Messieurs,"]
CLOSINGS = [
    "Je vous prie d'agréer, {mayor}, l'expression de mes salutations distinguées.",
    "Veuillez agréer, {mayor}, l'assurance de ma considération distinguée.",
    "Dans l'attente de votre réponse, je vous prie de croire, {mayor}, à mes sentiments respectueux.",
    "Je vous remercie par avance et vous adresse mes sincères salutations.",
    "Recevez, {mayor}, mes salutations respectueuses.",
]
PRO_CLOSINGS = [
    "Nous vous prions d'agréer, {mayor}, l'expression de nos salutations distinguées.",
    "Restant à votre disposition, nous vous adressons nos cordiales salutations.",
    "Je vous prie de croire, {mayor}, à l'assurance de ma haute considération.",
]
DISTRACTORS = [
    "Je profite de ce courrier pour vous signaler que l'éclairage de notre rue fonctionne à nouveau.",
    "Mon épouse vous a par ailleurs déposé la semaine dernière l'inscription de notre fille à la cantine.",
    "Je précise que je ne sollicite aucune subvention à ce titre.",
    "Ce point n'a aucun lien avec le permis de construire déposé par mon voisin.",
    "Pour information, une copie de ce courrier est adressée à la trésorerie.",
    "Nos enfants étant scolarisés dans la commune, nous tenons à rester joignables rapidement.",
]

# Each doc type: sender kind, subject templates, paragraph groups (one alternative is drawn
# per group; groups after the first may be skipped), optional reference kinds, whether the
# letter can become a long multi-page dossier, and an attachment name for emails.
DOCS: dict[str, dict] = {
    "demande-acte-etat-civil": {
        "sender": "citizen",
        "subjects": ["Demande de copie intégrale d'acte de naissance",
                     "Demande d'extrait d'acte de mariage avec filiation",
                     "Copie d'acte de décès"],
        "paras": [
            ["Je vous serais reconnaissant(e) de bien vouloir m'adresser une copie intégrale de mon acte de naissance, je suis né(e) dans votre commune le {date1}.",
             "Je sollicite la délivrance d'un extrait avec filiation de l'acte de mariage célébré en mairie de {commune} le {date1}.",
             "Suite au décès de {deceased}, survenu à {commune} le {date1}, je vous prie de m'envoyer deux copies de l'acte de décès."],
            ["Ce document m'est demandé par le notaire pour le règlement d'une succession.",
             "Il s'agit de compléter un dossier de renouvellement de carte nationale d'identité.",
             "Cette pièce est exigée par la caisse de retraite pour l'étude de mes droits."],
            ["Vous trouverez ci-joint une enveloppe timbrée à mon adresse ainsi qu'une copie de ma pièce d'identité.",
             "Je reste joignable au {phone} pour toute précision."],
        ],
        "refs": [],
        "attachment": "Demande acte état civil.pdf",
    },
    "dossier-mariage": {
        "sender": "citizen",
        "subjects": ["Dossier de mariage – {person} et {spouse}", "Demande de célébration de mariage",
                     "Pièces complémentaires pour notre mariage"],
        "paras": [
            ["Nous avons le projet de nous marier dans votre commune le {date1} et souhaitons déposer notre dossier de mariage.",
             "Suite à notre rendez-vous avec le service de l'état civil, nous vous transmettons les pièces de notre dossier de mariage.",
             "{spouse} et moi-même souhaitons nous unir en mairie de {commune}, où résident les parents de mon futur conjoint."],
            ["Vous trouverez ci-joint les copies intégrales de nos actes de naissance, nos justificatifs de domicile et la liste des témoins.",
             "Nos témoins seront {witness1} et {witness2}; leurs pièces d'identité sont jointes au dossier.",
             "Nous aimerions savoir si une célébration le samedi après-midi est possible."],
            ["Nous n'avons pas encore fixé de date pour la publication des bans et restons à votre disposition.",
             "Un contrat de mariage sera établi par notre notaire, dont nous vous ferons parvenir le certificat."],
        ],
        "refs": ["dossier"],
        "long": True,
        "attachment": "Pièces dossier mariage.pdf",
    },
    "pacs": {
        "sender": "citizen",
        "subjects": ["Demande d'enregistrement d'un PACS", "Rendez-vous pour la conclusion d'un pacte civil de solidarité",
                     "Modification de notre convention de PACS"],
        "paras": [
            ["Mon compagnon {spouse} et moi-même souhaitons conclure un pacte civil de solidarité auprès de votre officier d'état civil.",
             "Nous sommes liés par un PACS enregistré le {date1} et souhaitons modifier la convention initiale.",
             "Je vous contacte afin d'obtenir un rendez-vous pour l'enregistrement de notre PACS."],
            ["Nous joignons le formulaire cerfa n° 15725, la convention signée et nos actes de naissance de moins de trois mois.",
             "Nous sommes disponibles de préférence en fin de journée ou le samedi matin."],
            ["Merci de nous indiquer les pièces manquantes le cas échéant."],
        ],
        "refs": [],
    },
    "recensement-citoyen": {
        "sender": "citizen",
        "subjects": ["Recensement citoyen de mon fils {child}", "Attestation de recensement", "Recensement à 16 ans"],
        "paras": [
            ["Mon fils {child} a eu seize ans le {date1} et doit se faire recenser auprès de la mairie.",
             "Ma fille {child} a perdu l'attestation de recensement qui lui avait été remise, pouvez-vous lui en délivrer une nouvelle ?",
             "Je souhaite effectuer le recensement citoyen obligatoire de mon enfant {child}, né le {date1}."],
            ["Cette attestation lui est demandée pour son inscription au permis de conduire.",
             "Il doit prochainement s'inscrire au baccalauréat et la journée défense et citoyenneté n'a pas encore eu lieu."],
            ["Vous trouverez ci-joint la copie du livret de famille et de sa carte d'identité."],
        ],
        "refs": [],
    },
    "concession-cimetiere": {
        "sender": "citizen",
        "subjects": ["Renouvellement de concession funéraire", "Achat d'une concession au cimetière communal",
                     "Concession n° {n} – reprise"],
        "paras": [
            ["La concession trentenaire où repose {deceased} arrive à échéance et je souhaite la renouveler.",
             "Je souhaiterais acquérir une concession de deux places au cimetière communal de {commune}.",
             "J'ai reçu un avis de reprise concernant la concession familiale n° {n} et je souhaite m'y opposer."],
            ["Pourriez-vous m'indiquer les tarifs en vigueur ainsi que les durées possibles (15, 30 ou 50 ans) ?",
             "Je suis l'ayant droit de la famille et m'engage à faire réaliser les travaux d'entretien de la sépulture."],
            ["Je peux passer en mairie pour signer l'acte de concession à votre convenance."],
        ],
        "refs": ["nref"],
    },
    "permis-construire": {
        "sender": "citizen",
        "subjects": ["Dépôt de permis de construire – maison individuelle", "Pièces complémentaires {ref}",
                     "Permis de construire – {project}"],
        "paras": [
            ["Je vous prie de trouver ci-joint ma demande de permis de construire pour {project} sur la parcelle cadastrée {parcel}.",
             "Suite à votre courrier du {date1} me demandant des pièces complémentaires, je vous adresse les plans modifiés.",
             "Nous avons l'intention de faire construire une maison individuelle sur le terrain situé {street_issue}, parcelle {parcel}."],
            ["Le dossier comprend le plan de situation, le plan de masse, les plans de façades et la notice d'insertion paysagère.",
             "La surface de plancher créée est de {surface} m² et la hauteur au faîtage n'excède pas 7 mètres.",
             "L'architecte du projet, le cabinet Perrin, reste à votre disposition pour tout échange technique."],
            ["Je souhaiterais connaître le délai d'instruction applicable à mon dossier.",
             "Je vous remercie de m'accuser réception de ces pièces afin que le délai d'instruction puisse courir."],
        ],
        "refs": ["pc", "nref"],
        "long": True,
        "attachment": "Permis de construire – pièces complémentaires.pdf",
    },
    "declaration-prealable": {
        "sender": "citizen",
        "subjects": ["Déclaration préalable de travaux", "Déclaration préalable – {project}",
                     "Complément au dossier {ref}"],
        "paras": [
            ["Je souhaite réaliser {project} sur ma propriété sise {street_issue} et vous adresse ma déclaration préalable.",
             "Vous trouverez ci-joint le formulaire cerfa de déclaration préalable en vue de {project}.",
             "En réponse à votre demande de pièces du {date1}, je vous transmets le plan de coupe manquant."],
            ["Les matériaux et couleurs respecteront le règlement du plan local d'urbanisme.",
             "Le terrain est cadastré section {parcel} et n'est pas situé dans le périmètre d'un monument historique."],
            ["Je reste à votre disposition pour une éventuelle visite sur place."],
        ],
        "refs": ["dp"],
        "attachment": "Déclaration préalable – abri de jardin.pdf",
    },
    "certificat-urbanisme": {
        "sender": "notaire",
        "subjects": ["Demande de certificat d'urbanisme d'information", "Certificat d'urbanisme opérationnel – parcelle {parcel}",
                     "CU – vente {person_client}"],
        "paras": [
            ["Dans le cadre de la vente d'un bien situé {street_issue}, cadastré section {parcel}, nous sollicitons la délivrance d'un certificat d'urbanisme d'information.",
             "Notre client envisage de diviser la parcelle {parcel} en deux lots à bâtir et souhaite obtenir un certificat d'urbanisme opérationnel."],
            ["Vous trouverez ci-joint le formulaire cerfa n° 13410, un plan de situation et un plan cadastral.",
             "La signature de l'avant-contrat est prévue le {date1}."],
            ["Nous vous remercions de nous adresser le certificat à l'adresse de l'étude."],
        ],
        "refs": ["cu", "nref"],
    },
    "dia": {
        "sender": "notaire",
        "subjects": ["Déclaration d'intention d'aliéner", "DIA – vente {person_client} / {buyer}",
                     "Purge du droit de préemption urbain"],
        "paras": [
            ["Nous vous adressons en quatre exemplaires la déclaration d'intention d'aliéner relative à la vente d'une maison d'habitation sise {street_issue}, cadastrée {parcel}.",
             "Dans le cadre du droit de préemption urbain, nous vous notifions la déclaration d'intention d'aliéner concernant le bien de {person_client}."],
            ["Le prix de vente est fixé à {price} hors frais d'acte et commission d'agence.",
             "La vente doit être régularisée le {date1} en l'étude."],
            ["Nous vous saurions gré de nous faire connaître la décision de la commune dans le délai légal de deux mois.",
             "À défaut de réponse dans le délai de deux mois, la commune sera réputée avoir renoncé à préempter."],
        ],
        "refs": ["dia", "nref"],
    },
    "cadastre": {
        "sender": "citizen",
        "subjects": ["Demande d'extrait cadastral", "Erreur sur le plan cadastral", "Limite de propriété – parcelle {parcel}"],
        "paras": [
            ["Je souhaiterais obtenir un extrait du plan cadastral et de la matrice concernant la parcelle {parcel}.",
             "Il me semble que le plan cadastral de la parcelle {parcel} ne correspond pas à la réalité du terrain.",
             "Un différend m'oppose à mon voisin sur la limite séparative entre nos parcelles."],
            ["Un géomètre-expert doit intervenir le {date1} et aurait besoin de ces éléments.",
             "Le numéro de parcelle figure sur mon dernier avis de taxe foncière."],
            ["Je vous remercie de m'indiquer la démarche à suivre."],
        ],
        "refs": [],
    },
    "facture": {
        "sender": "company",
        "subjects": ["Facture n° {ref}", "Envoi de la facture {ref}", "Facturation travaux {month}"],
        "paras": [
            ["Veuillez trouver ci-dessous notre facture relative aux prestations réalisées pour le compte de la commune.",
             "Suite à l'achèvement des travaux commandés par bon de commande du {date1}, nous vous adressons notre facture."],
            ["Le règlement est à effectuer par mandat administratif dans un délai de 30 jours.",
             "Cette facture a également été déposée sur le portail Chorus Pro."],
        ],
        "refs": ["facture", "commande"],
        "invoice": True,
        "attachment": "Facture {ref}.pdf",
    },
    "devis": {
        "sender": "company",
        "subjects": ["Devis n° {ref}", "Proposition de prix – {month}", "Notre devis {ref}"],
        "paras": [
            ["Suite à votre demande, nous avons le plaisir de vous adresser notre devis.",
             "Comme convenu lors de notre visite sur site du {date1}, voici notre proposition chiffrée."],
            ["Ce devis est valable trois mois à compter de sa date d'émission.",
             "Les travaux pourront débuter dans un délai de trois semaines après réception du devis signé."],
        ],
        "refs": ["devis"],
        "invoice": True,
        "attachment": "Devis {ref}.pdf",
    },
    "relance-paiement": {
        "sender": "company",
        "subjects": ["Relance – facture {ref} impayée", "Second rappel de paiement", "Retard de règlement"],
        "paras": [
            ["Sauf erreur de notre part, notre facture {ref} du {date1}, d'un montant de {amount} TTC, demeure impayée.",
             "Nous constatons que la facture {ref} arrivée à échéance le {date1}, soit {amount} TTC, n'a toujours pas été réglée."],
            ["Nous vous remercions de bien vouloir procéder à son règlement dans les meilleurs délais.",
             "Des indemnités pour retard de paiement pourront être appliquées conformément à la réglementation."],
            ["Si votre règlement a été émis entre-temps, merci de ne pas tenir compte de ce courrier."],
        ],
        "refs": ["facture"],
        "amount": True,
    },
    "courrier-tresorerie": {
        "sender": "public:dgfip",
        "subjects": ["Rejet de mandat", "Compte de gestion {year_prev}", "Titres de recettes non recouvrés"],
        "paras": [
            ["Je vous informe que le mandat n° {n} émis par la commune a été rejeté, la pièce justificative étant absente.",
             "Vous trouverez ci-joint le compte de gestion de l'exercice {year_prev}, à soumettre au conseil municipal.",
             "Plusieurs titres de recettes relatifs à la cantine scolaire restent non recouvrés malgré les relances."],
            ["Je vous invite à régulariser cette situation dans les meilleurs délais.",
             "Le comptable public reste à votre disposition pour examiner ensemble la situation de la trésorerie communale."],
            ["Une admission en non-valeur pourra être proposée pour les créances irrécouvrables."],
        ],
        "refs": ["nref", "dossier"],
    },
    "notification-subvention": {
        "sender": "public:departement",
        "subjects": ["Notification de subvention", "Attribution d'une aide départementale", "Subvention – {project_commune}"],
        "paras": [
            ["J'ai le plaisir de vous informer que la commission permanente, réunie le {date1}, a attribué à votre commune une subvention de {amount}.",
             "Par délibération du {date1}, une aide de {amount} a été accordée à la commune pour {project_commune}."],
            ["Le versement interviendra sur présentation des factures acquittées et d'un état récapitulatif des dépenses.",
             "Les travaux devront être achevés dans un délai de deux ans à compter de la présente notification."],
            ["Je vous rappelle que le soutien du Département devra être mentionné dans toute communication."],
        ],
        "refs": ["dossier"],
    },
    "candidature": {
        "sender": "citizen",
        "subjects": ["Candidature au poste d'{job}", "Candidature spontanée", "Réponse à votre offre d'emploi – {job}"],
        "paras": [
            ["Je me permets de vous adresser ma candidature au poste d'{job} publié sur le site emploi-territorial.",
             "Actuellement à la recherche d'un emploi, je vous propose ma candidature spontanée pour un poste d'{job}."],
            ["Titulaire d'un CAP et fort(e) de plusieurs années d'expérience, je connais bien le fonctionnement des collectivités.",
             "Mon expérience précédente au sein d'une communauté de communes m'a permis d'acquérir rigueur et sens du service public."],
            ["Vous trouverez ci-joint mon curriculum vitae. Je suis disponible pour un entretien à votre convenance."],
        ],
        "refs": [],
        "attachment": "CV et lettre de motivation.pdf",
    },
    "arret-maladie": {
        "sender": "agent",
        "subjects": ["Arrêt de travail", "Prolongation d'arrêt maladie", "Transmission de mon avis d'arrêt de travail"],
        "paras": [
            ["Je vous prie de trouver ci-joint le volet 3 de mon avis d'arrêt de travail du {date1} au {date2}.",
             "Mon médecin traitant a prolongé mon arrêt de travail jusqu'au {date2} inclus."],
            ["Je vous tiendrai informé(e) de la date de ma reprise dès que possible.",
             "Je reste joignable par téléphone si le service a besoin de me contacter."],
        ],
        "refs": [],
    },
    "courrier-centre-gestion": {
        "sender": "public:cdg",
        "subjects": ["Avis de la commission administrative paritaire", "Convocation à la visite médicale – {agent}",
                     "Bourse de l'emploi – vacance de poste"],
        "paras": [
            ["Je vous informe que la commission administrative paritaire, réunie le {date1}, a émis un avis favorable concernant {agent}.",
             "Le service de médecine préventive convoque {agent}, agent de votre collectivité, à une visite médicale le {date1}.",
             "Nous accusons réception de la déclaration de vacance du poste d'{job}, qui sera publiée sur la bourse de l'emploi."],
            ["Je vous remercie de bien vouloir remettre la présente convocation à l'intéressé(e).",
             "L'arrêté correspondant devra nous être transmis une fois signé."],
            ["Les services du Centre de gestion restent à votre disposition pour tout renseignement."],
        ],
        "refs": ["nref"],
        "long": True,
    },
    "formation": {
        "sender": "citizen",
        "subjects": ["Demande de formation CNFPT", "Inscription à une formation", "Congé de formation professionnelle"],
        "paras": [
            ["Agent de la commune, je souhaite m'inscrire à la formation « {training} » organisée par le CNFPT du {date1} au {date2}.",
             "Je sollicite votre accord pour suivre une préparation au concours d'adjoint administratif principal."],
            ["Cette formation me permettrait de consolider mes compétences dans le cadre de mes missions actuelles.",
             "Les frais pédagogiques sont pris en charge par la cotisation versée au CNFPT."],
            ["Je joins le bulletin d'inscription qui doit être signé par l'autorité territoriale."],
        ],
        "refs": [],
    },
    "signalement-voirie": {
        "sender": "citizen",
        "subjects": ["Nids-de-poule {street_issue}", "Signalement : chaussée dégradée", "Trottoir dangereux"],
        "paras": [
            ["Je me permets de vous signaler l'état très dégradé de la chaussée {street_issue}, où plusieurs nids-de-poule se sont formés.",
             "Le trottoir situé devant le n° {n} {street_issue} est soulevé par les racines et présente un réel danger.",
             "Depuis les dernières pluies, un affaissement de la route est apparu à l'angle de la {street_issue}."],
            ["Une personne âgée a déjà chuté à cet endroit la semaine dernière.",
             "Les véhicules sont obligés de se déporter sur la voie opposée, ce qui est dangereux aux heures d'école."],
            ["Je vous joins quelques photographies et vous remercie de faire le nécessaire rapidement."],
        ],
        "refs": [],
    },
    "demande-intervention": {
        "sender": "citizen",
        "subjects": ["Demande d'intervention des services techniques", "Fuite d'eau au cimetière",
                     "Élagage d'un arbre communal"],
        "paras": [
            ["Un arbre communal situé en bordure de ma propriété {street_issue} menace de tomber sur ma clôture.",
             "Je vous signale une fuite importante sur le robinet du cimetière, près de l'entrée principale.",
             "Le fossé qui longe la {street_issue} est bouché et l'eau déborde sur les terrains riverains."],
            ["Pourriez-vous demander aux services techniques d'intervenir avant l'hiver ?",
             "Une intervention rapide éviterait des dégâts plus importants."],
        ],
        "refs": [],
    },
    "eclairage-public": {
        "sender": "citizen",
        "subjects": ["Lampadaire en panne", "Éclairage public {street_issue}", "Candélabre endommagé"],
        "paras": [
            ["Le lampadaire situé face au n° {n} {street_issue} ne s'allume plus depuis le {date1}.",
             "Plusieurs points lumineux de l'éclairage public sont éteints dans notre lotissement.",
             "Un candélabre a été percuté par un véhicule et penche dangereusement {street_issue}."],
            ["Le quartier est plongé dans le noir dès 18 heures, ce qui inquiète les riverains.",
             "Les enfants empruntent ce chemin pour se rendre à l'arrêt de bus."],
            ["Je vous remercie de transmettre ce signalement à l'entreprise chargée de la maintenance."],
        ],
        "refs": [],
    },
    "inscription-scolaire": {
        "sender": "citizen",
        "subjects": ["Inscription scolaire de {child}", "Demande d'inscription à l'{school}", "Rentrée {year} – inscription"],
        "paras": [
            ["Nous venons d'emménager à {commune} et souhaitons inscrire notre fils {child} en classe de {child_class} à la rentrée.",
             "Je souhaite inscrire ma fille {child}, née le {date1}, en petite section à l'{school}.",
             "Nous sollicitons une dérogation de secteur scolaire afin que {child} puisse rester à l'{school}."],
            ["Vous trouverez ci-joint le livret de famille, un justificatif de domicile et le carnet de vaccinations.",
             "Son frère aîné est déjà scolarisé dans cette école."],
            ["Nous restons à votre disposition pour compléter le dossier."],
        ],
        "refs": [],
    },
    "cantine": {
        "sender": "citizen",
        "subjects": ["Restauration scolaire – {child}", "Contestation facture cantine", "Régime alimentaire à la cantine"],
        "paras": [
            ["Je conteste la facture de restauration scolaire du mois de {month} : {child} était absent pour maladie.",
             "Mon fils {child} souffre d'une allergie aux arachides et je souhaiterais mettre en place un PAI pour la cantine.",
             "Je souhaite inscrire {child} au restaurant scolaire les lundis, mardis et jeudis."],
            ["Je joins le certificat médical correspondant.",
             "Les repas sont actuellement facturés {amount} par mois."],
            ["Merci de votre compréhension."],
        ],
        "refs": ["famille"],
    },
    "periscolaire": {
        "sender": "citizen",
        "subjects": ["Accueil périscolaire", "Inscription garderie du matin", "Centre de loisirs du mercredi"],
        "paras": [
            ["Je souhaite inscrire {child} à l'accueil périscolaire du matin à partir du {date1}.",
             "Nous souhaiterions une place pour {child} au centre de loisirs du mercredi.",
             "Les horaires de la garderie du soir ne sont plus compatibles avec nos horaires de travail."],
            ["Serait-il possible d'étendre l'ouverture jusqu'à 19 heures ?",
             "Nous joignons l'attestation de quotient familial de la CAF."],
            ["Je vous remercie de l'attention portée à cette demande."],
        ],
        "refs": ["famille"],
    },
    "aide-sociale": {
        "sender": "citizen",
        "subjects": ["Demande d'aide auprès du CCAS", "Demande de secours exceptionnel", "Aide pour facture d'énergie"],
        "paras": [
            ["Je traverse actuellement une période difficile et sollicite une aide financière du centre communal d'action sociale.",
             "Suite à la perte de mon emploi, je ne parviens plus à régler ma facture d'électricité de {amount}.",
             "Je souhaiterais bénéficier du portage de repas à domicile proposé par le CCAS."],
            ["Je vis seul(e) avec mes deux enfants et mes ressources se limitent aux allocations de la CAF.",
             "Mon assistante sociale du Département m'a conseillé de vous adresser ce courrier."],
            ["Je joins mes trois derniers justificatifs de ressources.", "Je peux me présenter à une permanence."],
        ],
        "refs": ["allocataire"],
        "long": True,
    },
    "demande-logement": {
        "sender": "citizen",
        "subjects": ["Demande de logement social", "Logement communal", "Demande de logement – numéro unique"],
        "paras": [
            ["Je me permets de vous solliciter afin d'obtenir un logement social sur la commune de {commune}.",
             "J'ai appris qu'un logement communal allait se libérer au-dessus de l'ancienne école."],
            ["Mon logement actuel est devenu trop petit depuis la naissance de mon deuxième enfant.",
             "Ma demande est enregistrée depuis le {date1} sous le numéro unique indiqué en référence."],
            ["Je vous remercie de bien vouloir soutenir ma demande auprès des bailleurs."],
        ],
        "refs": ["nun"],
    },
    "courrier-prefecture": {
        "sender": "public:prefecture",
        "subjects": ["Contrôle de légalité – délibération du {date1}", "Organisation des élections",
                     "Circulaire relative à la sécurité des manifestations"],
        "paras": [
            ["La délibération du conseil municipal du {date1} relative aux tarifs communaux appelle de ma part les observations suivantes.",
             "Dans la perspective des prochaines élections, je vous prie de me transmettre la composition des bureaux de vote.",
             "J'appelle votre attention sur les mesures de sécurité à mettre en œuvre lors des manifestations publiques."],
            ["Je vous invite à retirer cet acte ou à le modifier dans un délai de deux mois.",
             "Mes services se tiennent à votre disposition pour vous accompagner."],
        ],
        "refs": ["nref", "dossier"],
    },
    "invitation": {
        "sender": "asso",
        "subjects": ["Invitation", "Invitation – {event}", "Vous êtes convié"],
        "paras": [
            ["Nous avons l'honneur de vous convier à {event}, qui se tiendra le {date1} à 18 h 30.",
             "Le conseil d'administration a le plaisir de vous inviter à {event}."],
            ["Votre présence nous ferait grand plaisir ainsi qu'à l'ensemble de nos membres.",
             "Un vin d'honneur clôturera la soirée."],
            ["Merci de confirmer votre présence avant le {date2}."],
        ],
        "refs": [],
    },
    "demande-subvention": {
        "sender": "asso",
        "subjects": ["Demande de subvention {year}", "Subvention de fonctionnement", "Aide exceptionnelle pour notre projet"],
        "paras": [
            ["Comme chaque année, notre association sollicite le soutien de la commune sous la forme d'une subvention de fonctionnement.",
             "Nous organisons le {date1} une manifestation ouverte à tous et sollicitons une aide exceptionnelle de {amount}."],
            ["Vous trouverez ci-joint le dossier cerfa n° 12156, le bilan financier et le rapport d'activité.",
             "Notre association compte aujourd'hui plus de cent adhérents, dont de nombreux jeunes de la commune."],
            ["Nous restons à votre disposition pour présenter notre projet aux élus."],
        ],
        "refs": [],
        "attachment": "Dossier demande de subvention {year}.pdf",
    },
    "courrier-elu": {
        "sender": "elu",
        "subjects": ["Question pour le prochain conseil municipal", "Soutien au dossier de la commune",
                     "Demande d'inscription à l'ordre du jour"],
        "paras": [
            ["Conformément au règlement intérieur, je souhaite poser une question écrite lors du conseil municipal du {date1}.",
             "J'ai bien reçu votre courrier concernant le projet de la commune et je vous confirme mon soutien auprès des services de l'État.",
             "Je souhaite que la question de la sécurité aux abords des écoles soit inscrite à l'ordre du jour."],
            ["Plusieurs habitants m'ont en effet interpellé(e) à ce sujet.",
             "Je reste à votre disposition pour en discuter lors de ma prochaine permanence."],
        ],
        "refs": [],
    },
    "autre:merci": {
        "sender": "citizen",
        "subjects": ["Remerciements", "Un grand merci", None],
        "paras": [
            ["Je tenais à remercier chaleureusement l'ensemble du personnel de la mairie pour son accueil.",
             "Toute notre famille vous remercie pour les marques de sympathie reçues lors du décès de notre mère."],
            ["Votre gentillesse a beaucoup compté dans ces moments.", "Bravo également pour le fleurissement du village."],
        ],
        "refs": [],
    },
    "autre:pub": {
        "sender": "company",
        "subjects": ["Offre spéciale collectivités", "Découvrez nos solutions", "Nouveau catalogue {year}"],
        "paras": [
            ["Profitez de notre offre exceptionnelle sur le mobilier urbain et les illuminations de fin d'année.",
             "Notre société accompagne plus de 300 communes dans la gestion de leurs panneaux d'affichage."],
            ["Remise de 15 % valable jusqu'au {date2} sur simple appel.", "Demandez dès aujourd'hui votre démonstration gratuite."],
        ],
        "refs": [],
    },
    "autre:mixte": {
        "sender": "citizen",
        "subjects": ["Plusieurs questions", "Demandes diverses", None],
        "paras": [
            ["Je me permets de vous écrire pour plusieurs sujets à la fois.",
             "Je voudrais vous faire part de plusieurs remarques."],
            ["D'abord, le lampadaire devant chez moi clignote ; ensuite, je voudrais savoir si je dois déposer une déclaration pour mon portail.",
             "Je voudrais aussi savoir comment inscrire ma fille à la cantine et qui contacter pour la facture d'eau."],
            ["Enfin, je souhaiterais rencontrer le maire personnellement au sujet de mon voisin."],
        ],
        "refs": [],
    },
}

EMAIL_ATTACH_INTROS = [
    "Bonjour,\n\nVeuillez trouver ci-joint {what}.\n\nBien cordialement,",
    "Madame, Monsieur,\n\nJe vous transmets en pièce jointe {what}.\nMerci de m'en accuser réception.\n\nCordialement,",
    "Bonjour,\n\nVous trouverez en pièce jointe {what}. Je reste disponible pour toute question.\n\nBonne journée,",
]
EMAIL_GREETINGS = ["Bonjour,", "Bonjour Monsieur le Maire,", "Madame, Monsieur,", "Monsieur le Maire,"]
EMAIL_SIGNOFFS = ["Cordialement,", "Bien cordialement,", "Bien à vous,", "Merci d'avance,"]
FORWARD_NOTES = ["Pour info, reçu sur ma boîte perso.", "Je vous transfère ce message reçu ce matin.",
                 "À traiter svp.", "Transféré pour suite à donner."]

# Layout families drawn for this corpus (see corpus_render.render_letter).
LAYOUTS = [
    {"sender_side": "left", "date_pos": "top-right", "font": "Helvetica", "letterhead": "bold"},
    {"sender_side": "left", "date_pos": "top-right", "font": "Times-Roman", "letterhead": "bold"},
    {"sender_side": "right", "date_pos": "left", "font": "Helvetica", "letterhead": "band"},
    {"sender_side": "left", "date_pos": "left", "font": "Courier", "letterhead": "bold"},
]

THOUSANDS_SEPARATORS = ("\u202f", "\u00a0", " ")
ANNEX_TITLES = ["Pièces jointes au dossier", "Annexe – bordereau des pièces", "Liste des pièces transmises"]
ANNEX_LINES = [
    "Copie de la pièce d'identité du demandeur",
    "Justificatif de domicile de moins de trois mois",
    "Plan de situation du terrain (parcelle {parcel})",
    "Attestation sur l'honneur datée du {date1}",
    "Relevé d'identité bancaire",
    "Copie du livret de famille",
    "Courrier de {person} du {date2}",
    "Photographies de l'état existant",
    "Notice descriptive et tableau des surfaces",
    "Avis d'imposition de l'année {year_prev}",
]
FORWARDERS = [("Secrétariat de mairie", "secretariat@mairie-saintdenisenval.fr"),
              ("Josiane Morel", "j.morel.elue@orange.fr"),
              ("Accueil Mairie", "accueil@mairie-saintdenisenval.fr")]
ATTACH_WHAT = ["le document « {name} »", "notre courrier ({name})", "le fichier demandé : {name}"]
