"""Hand-written French perinatal snippets for measuring the free-text scrubber.

Every person, address, phone number, e-mail and record number below is fictional; the NIRs
were built for these tests and carry a valid control key unless a snippet says otherwise.

Each item:
- text: the narrative as a clinician could write it;
- known: the case's own identity values (from the identity vault), possibly empty;
- identifiers: exact substrings that must no longer appear once scrubbed;
- clinical: exact substrings that must survive unchanged.
"""

CORPUS: list[dict] = [
    {
        "text": (
            "Mme Aminata DIALLO, 24 ans, G3P2, arrivée en France en février 2024, n'a eu aucune "
            "consultation prénatale avant 27 SA + 2 j. Hébergée par le 115 (SIAO) à l'hôtel, "
            "AME en cours d'ouverture."
        ),
        "known": ["Aminata Diallo"],
        "identifiers": ["Aminata", "DIALLO", "février 2024"],
        "clinical": ["24 ans", "G3P2", "27 SA + 2 j", "le 115 (SIAO)", "AME en cours"],
    },
    {
        "text": (
            "Transfert in utero le 03/02/2025 de la maternité de niveau 1 vers le CHU (niveau 3) "
            "pour MAP à 26SA+4j. Appel du Dr Fabre (obstétricien) au 05 65 20 50 50 à 02h10."
        ),
        "known": [],
        "identifiers": ["03/02/2025", "Fabre", "05 65 20 50 50"],
        "clinical": [
            "Transfert in utero",
            "maternité de niveau 1",
            "CHU (niveau 3)",
            "MAP à 26SA+4j",
            "à 02h10",
        ],
    },
    {
        "text": (
            "Appel au SAMU (15) par M. Konaté à 3h12 : accouchement inopiné à domicile, 45, "
            "boulevard de la République, 46000 Cahors. SMUR sur place à 3h40, nouveau-né "
            "hypotherme (34,5 °C), mise en place d'une VVP impossible, KTVO posé."
        ),
        "known": [],
        "identifiers": ["Konaté", "45, boulevard de la République", "46000 Cahors"],
        "clinical": [
            "SAMU (15)",
            "3h12",
            "SMUR sur place à 3h40",
            "34,5 °C",
            "mise en place d'une VVP",
            "KTVO",
        ],
    },
    {
        "text": (
            "Identité mère : Mme Fatoumata Traoré, NIR 2 85 03 75 123 456 88, IPP 123456789, "
            "NDA: 2025-004512."
        ),
        "known": [],
        "identifiers": [
            "Fatoumata",
            "Traoré",
            "2 85 03 75 123 456 88",
            "123456789",
            "2025-004512",
        ],
        "clinical": ["Identité mère", "IPP", "NDA"],
    },
    {
        "text": (
            "Enfant né à Ajaccio ; père assuré sous le NIR 1 90 07 2A 004 012 51, mère sous le "
            "2 92 11 2B 051 033 18. Suivi PMI prévu."
        ),
        "known": [],
        "identifiers": ["1 90 07 2A 004 012 51", "2 92 11 2B 051 033 18"],
        "clinical": ["Enfant né à", "Suivi PMI prévu"],
    },
    {
        "text": (
            "Père joignable au +44 20 7946 0958 (Londres) ; tante au +221 77 123 45 67 ; "
            "interprète wolof via ISM au 01 53 26 52 62."
        ),
        "known": [],
        "identifiers": ["+44 20 7946 0958", "+221 77 123 45 67", "01 53 26 52 62"],
        "clinical": ["interprète wolof"],
    },
    {
        "text": (
            "Compte rendu adressé par mail à sf.dupont@chu-exemple.fr et à la PMI "
            "(pmi.secteur4@departement-exemple.fr)."
        ),
        "known": [],
        "identifiers": ["sf.dupont@chu-exemple.fr", "pmi.secteur4@departement-exemple.fr"],
        "clinical": ["Compte rendu", "à la PMI"],
    },
    {
        "text": (
            "DDR le 3 fevrier 2024, echographie T2 non faite, consultation le mardi 14 mai, "
            "accouchement le 1er aout 2024 à 32 SA."
        ),
        "known": [],
        "identifiers": ["3 fevrier 2024", "mardi 14 mai", "1er aout 2024"],
        "clinical": ["echographie T2 non faite", "32 SA"],
    },
    {
        "text": (
            "Naissance à 14h30, 980 g, Apgar 3/6/8, pH 6,95, BE -14, lactates 12 mmol/l, "
            "CRP 45 mg/l, Hb 7,2 g/dl, SpO2 88 %, FiO2 40 %, FC 180/min."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "14h30",
            "980 g",
            "Apgar 3/6/8",
            "pH 6,95",
            "BE -14",
            "lactates 12 mmol/l",
            "CRP 45 mg/l",
            "Hb 7,2 g/dl",
            "SpO2 88 %",
            "FiO2 40 %",
            "FC 180/min",
        ],
    },
    {
        "text": (
            "Mère HTA, TA 160/110 à l'admission, IMC 32, DT2 sous insuline. Enfant : Apgar 1-4-7 "
            "puis réanimation ; jumeau 2 : Apgar 9/10/10."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "Mère HTA",
            "TA 160/110",
            "IMC 32",
            "DT2",
            "Enfant : Apgar 1-4-7",
            "Apgar 9/10/10",
        ],
    },
    {
        "text": (
            "Dossier n° A45-2231 (maternité), IEP 0034567812, numéro de séjour 2025S00781, "
            "n° patient 887766."
        ),
        "known": [],
        "identifiers": ["A45-2231", "0034567812", "2025S00781", "887766"],
        "clinical": ["(maternité)", "numéro de séjour", "n° patient"],
    },
    {
        "text": "IPP 285037512345687 (ancien numéro repris, clé non conforme).",
        "known": [],
        "identifiers": ["285037512345687"],
        "clinical": ["IPP", "clé non conforme"],
    },
    {
        "text": (
            "Le pédiatre de garde, Dr Roux, puis l'interne Martin ; la sage-femme Dupont a assuré "
            "la surveillance. Pr Lefèvre informé à 8h."
        ),
        "known": [],
        "identifiers": ["Roux", "Martin", "Dupont", "Lefèvre"],
        "clinical": ["Le pédiatre de garde", "l'interne", "la sage-femme", "la surveillance"],
    },
    {
        "text": (
            "Patiente : Mme KONÉ-BAMBA Marie-Claire, conjoint M. Jean-Pierre N'Diaye, présent "
            "à la naissance."
        ),
        "known": [],
        "identifiers": ["KONÉ-BAMBA", "Marie-Claire", "Jean-Pierre", "N'Diaye"],
        "clinical": ["Patiente", "présent à la naissance"],
    },
    {
        "text": (
            "HELENE LEFEBVRE a accouché seule ; Noé transféré en NICU à H6 ; lefebvre refuse "
            "le suivi PMI."
        ),
        "known": ["Hélène Lefèbvre", "Noé"],
        "identifiers": ["HELENE", "LEFEBVRE", "Noé", "lefebvre"],
        "clinical": ["a accouché seule", "NICU à H6", "le suivi PMI"],
    },
    {
        "text": (
            "Visite à domicile de la puéricultrice de PMI le 12/03/2025 : bébé Sacha, 3,2 kg, "
            "allaitement mixte. Adresse : 8 impasse des Tilleuls, 31000 Toulouse."
        ),
        "known": [],
        "identifiers": ["12/03/2025", "Sacha", "8 impasse des Tilleuls", "31000 Toulouse"],
        "clinical": ["puéricultrice de PMI", "3,2 kg", "allaitement mixte"],
    },
    {
        "text": (
            "Entretien avec interprète en peul (ISM Interprétariat) le 4 mars ; Mme Bah comprend "
            "mal le français. Tél : 07 81 22 33 44."
        ),
        "known": [],
        "identifiers": ["4 mars", "Bah", "07 81 22 33 44"],
        "clinical": ["Entretien avec interprète en peul", "ISM Interprétariat"],
    },
    {
        "text": (
            "Famille sans domicile stable, hébergée par le 115 puis à la résidence Les Tilleuls, "
            "bât. C, appartement 12, 94000 Créteil."
        ),
        "known": [],
        "identifiers": ["Les Tilleuls", "bât. C", "appartement 12", "94000 Créteil"],
        "clinical": ["sans domicile stable", "hébergée par le 115"],
    },
    {
        "text": (
            "Sortie à J12 le 20/02/2025 avec suivi PMI et CAMSP. Médecin traitant : Dr Benali, "
            "06.12.34.56.78."
        ),
        "known": [],
        "identifiers": ["20/02/2025", "Benali", "06.12.34.56.78"],
        "clinical": ["Sortie à J12", "suivi PMI et CAMSP", "Médecin traitant"],
    },
    {
        "text": (
            "Décision de LATA collégiale à J3, décès à 36 h de vie le dimanche 9 février 2025 "
            "dans les bras de ses parents."
        ),
        "known": [],
        "identifiers": ["dimanche 9 février 2025"],
        "clinical": ["Décision de LATA collégiale à J3", "à 36 h de vie"],
    },
    {
        "text": (
            "Au cours du travail, mise en place d'une analgésie péridurale ; sur place, l'équipe "
            "a mis en place une CPAP. En route vers le CHU, NO inhalé débuté."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "Au cours du travail",
            "mise en place d'une analgésie",
            "sur place",
            "mis en place une CPAP",
            "En route vers le CHU",
            "NO inhalé",
        ],
    },
    {
        "text": "NIR du père : 188129306612343 ; droits vérifiés sur la carte Vitale.",
        "known": ["1 88 12 93 066 123 43"],
        "identifiers": ["188129306612343"],
        "clinical": ["NIR du père", "droits vérifiés"],
    },
    {
        "text": "Mère injoignable au +33 6 12 34 56 78 depuis la sortie, relance par la PMI à J10.",
        "known": ["0612345678"],
        "identifiers": ["+33 6 12 34 56 78"],
        "clinical": ["relance par la PMI à J10"],
    },
    {
        "text": "Naissance le 3 février 2025 (saisie 2025-02-03 dans le logiciel) à 27 SA.",
        "known": ["03/02/2025"],
        "identifiers": ["3 février 2025", "2025-02-03"],
        "clinical": ["Naissance le", "27 SA"],
    },
    {
        "text": "Domicile : 12, rue des Lilas - 94000 CRETEIL. Pas de véhicule.",
        "known": ["12 rue des Lilas 94000 Créteil"],
        "identifiers": ["12, rue des Lilas", "94000 CRETEIL"],
        "clinical": ["Pas de véhicule"],
    },
    {
        "text": (
            "Couverture sociale : AME, pas de PUMa. Suivi par l'assistante sociale Mme Leroy "
            "(CPTS), rendez-vous le 17/04/2025."
        ),
        "known": [],
        "identifiers": ["Leroy", "17/04/2025"],
        "clinical": ["AME, pas de PUMa", "l'assistante sociale", "(CPTS)"],
    },
    {
        "text": (
            "Patiente DT1 mal équilibrée (HbA1c 9,1 %), HELLP à 31 SA, RCIU sévère, césarienne "
            "en urgence code rouge. Enfant 1 120 g."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "Patiente DT1",
            "HbA1c 9,1 %",
            "HELLP à 31 SA",
            "RCIU sévère",
            "code rouge",
            "Enfant 1 120 g",
        ],
    },
    {
        "text": (
            "Consultations : 3/2/25, 03-02-2025 et 03.02.2025, puis hospitalisation du 05/03/2025 "
            "au 08/03/2025 pour MAP."
        ),
        "known": [],
        "identifiers": ["3/2/25", "03-02-2025", "03.02.2025", "05/03/2025", "08/03/2025"],
        "clinical": ["hospitalisation du", "pour MAP"],
    },
    {
        "text": (
            "Arrivée en France en décembre 2023, première échographie en mars 2024 à 22 SA, "
            "sans dépistage de la T21."
        ),
        "known": [],
        "identifiers": ["décembre 2023", "mars 2024"],
        "clinical": ["première échographie", "22 SA", "T21"],
    },
    {
        "text": "Domiciliée à 46000 Cahors, travaille à 31000 Toulouse ; 2 enfants à charge.",
        "known": [],
        "identifiers": ["46000 Cahors", "31000 Toulouse"],
        "clinical": ["2 enfants à charge"],
    },
    {
        "text": (
            "Césarienne en urgence. Naissance d'un garçon. Transfert en réanimation néonatale. "
            "Sortie contre avis médical."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "Césarienne en urgence",
            "Naissance d'un garçon",
            "Transfert en réanimation",
            "Sortie contre avis médical",
        ],
    },
    {
        "text": (
            "RPM à 29 SA, ERCF pathologique (RCF plat), MFIU suspectée, TIU vers le CHI de "
            "niveau 2b ; EPP non réalisé, pas de RCP."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "RPM à 29 SA",
            "ERCF pathologique (RCF plat)",
            "MFIU suspectée",
            "TIU vers le CHI de niveau 2b",
            "EPP non réalisé",
        ],
    },
    {
        "text": "Mme Sophie Martin née Durand, épouse Le Goff, 38 ans, primipare.",
        "known": [],
        "identifiers": ["Sophie", "Martin", "Durand", "Le Goff"],
        "clinical": ["38 ans, primipare"],
    },
    {
        "text": (
            "Vue en consultation le lundi 3 à 10h par la SF Garnier, revue jeudi 6 : col "
            "raccourci à 18 mm."
        ),
        "known": [],
        "identifiers": ["lundi 3", "Garnier", "jeudi 6"],
        "clinical": ["à 10h", "col raccourci à 18 mm"],
    },
    {
        "text": (
            "G4P3, IMC 32, tabagisme 10 cig/j, première consultation à 12 SA, entretien prénatal "
            "précoce non fait, pas d'EPP."
        ),
        "known": [],
        "identifiers": [],
        "clinical": ["G4P3", "IMC 32", "10 cig/j", "à 12 SA", "pas d'EPP"],
    },
    {
        "text": (
            "À H+4, hypoglycémie 0,3 g/l ; à H6 glycémie normalisée ; J+2 : ictère, "
            "photothérapie ; J0 = naissance à 35 SA + 6 j, 27SA+2j chez le jumeau décédé."
        ),
        "known": [],
        "identifiers": [],
        "clinical": ["À H+4", "0,3 g/l", "à H6", "J+2", "J0", "35 SA + 6 j", "27SA+2j"],
    },
    {
        "text": "Numéro du mari : 0033 6 98 76 54 32, famille au Mali +223 76 12 34 56.",
        "known": [],
        "identifiers": ["0033 6 98 76 54 32", "+223 76 12 34 56"],
        "clinical": ["Numéro du mari", "famille au Mali"],
    },
    {
        "text": (
            "bébé en état de mort apparente à la naissance, bébé Apgar 0 à 1 min ; bébé Diallo "
            "pris en charge par le SMUR pédiatrique."
        ),
        "known": [],
        "identifiers": ["Diallo"],
        "clinical": ["bébé en état de mort apparente", "bébé Apgar 0 à 1 min", "SMUR pédiatrique"],
    },
    {
        "text": (
            "Voir dossier obstétrical n° 2024-OB-00912 et dossier néonatal NDA 2025 118 743, "
            "ainsi que le dossier de PMI."
        ),
        "known": [],
        "identifiers": ["2024-OB-00912", "2025 118 743", "118 743"],
        "clinical": ["Voir dossier obstétrical", "le dossier de PMI"],
    },
    {
        "text": "Avis du Dr J. Martin et de Mme A. Diallo-Sy ; l'IDE Lucie de nuit alerte à 4h.",
        "known": [],
        "identifiers": ["J. Martin", "A. Diallo-Sy", "Lucie"],
        "clinical": ["de nuit alerte à 4h"],
    },
    {
        "text": (
            "Famille domiciliée 2 place Bellecour, 69002 Lyon ; grands-parents route de Toulouse "
            "à Montauban."
        ),
        "known": [],
        "identifiers": ["2 place Bellecour", "69002 Lyon", "route de Toulouse"],
        "clinical": ["Famille domiciliée", "grands-parents"],
    },
    {
        "text": (
            "Ancienne adresse : 14 quai de Valmy ; nouvelle : 7 chemin des Vignes, 13100 "
            "Aix-en-Provence ; crèche cours Mirabeau."
        ),
        "known": [],
        "identifiers": ["14 quai de Valmy", "7 chemin des Vignes", "Aix-en-Provence", "Mirabeau"],
        "clinical": ["Ancienne adresse", "crèche"],
    },
    {
        "text": (
            "Pas de place en réanimation néonatale au CHU : transfert vers le CH de Montauban "
            "faute de place, prise en charge sur place par le SMUR."
        ),
        "known": [],
        "identifiers": [],
        "clinical": [
            "Pas de place en réanimation",
            "le CH de Montauban",
            "faute de place",
            "sur place par le SMUR",
        ],
    },
    {
        "text": (
            "Moussa est né à 25 SA ; sa mère Awa souhaite que Konaté soit inscrit à l'état civil. "
            "MOUSSA décédé à J5."
        ),
        "known": ["Moussa Konaté", "Awa Konaté"],
        "identifiers": ["Moussa", "Awa", "Konaté", "MOUSSA"],
        "clinical": ["né à 25 SA", "décédé à J5"],
    },
    {
        "text": "Rose a été vue à J2 : bébé rose et tonique. Dubois injoignable ensuite.",
        "known": ["Rose Dubois"],
        "identifiers": ["Rose a été", "Dubois"],
        "clinical": ["vue à J2", "bébé rose et tonique", "injoignable ensuite"],
    },
    {
        "text": "n° de sécurité sociale : 2 84 10 69 123 007 85 (clé à vérifier avec la CPAM).",
        "known": [],
        "identifiers": ["2 84 10 69 123 007 85"],
        "clinical": ["clé à vérifier avec la CPAM"],
    },
    {
        "text": "Mère née en Guadeloupe, NIR 2 96 04 971 12 345 91, arrivée en métropole à 30 SA.",
        "known": [],
        "identifiers": ["2 96 04 971 12 345 91"],
        "clinical": ["Mère née en Guadeloupe", "à 30 SA"],
    },
    {
        "text": (
            "Le 14/02/2025 à 23h50, ERCF pathologique ; naissance le 15/02/2025 à 00h12 par "
            "césarienne, Apgar 2-5-7."
        ),
        "known": [],
        "identifiers": ["14/02/2025", "15/02/2025"],
        "clinical": ["23h50", "ERCF pathologique", "00h12", "césarienne", "Apgar 2-5-7"],
    },
    {
        "text": (
            "Nom de naissance : BERTRAND ; Prénom : Chloé ; Nom d'usage : Perrin. Mr Diop, père."
        ),
        "known": [],
        "identifiers": ["BERTRAND", "Chloé", "Perrin", "Diop"],
        "clinical": ["Nom de naissance", "Nom d'usage"],
    },
    {
        "text": (
            "Plaquettes 45000/mm3, héparine 12500 UI/j, MFIU en 2019 puis 2021 ; IPP 20 mg/j "
            "pendant la grossesse."
        ),
        "known": [],
        "identifiers": [],
        "clinical": ["45000/mm3", "12500 UI/j", "en 2019 puis 2021", "IPP 20 mg/j"],
    },
    {
        "text": (
            "La patiente Ouédraogo, suivie par Mlle Petit (sage-femme libérale), a manqué les "
            "consultations du 7e et du 8e mois ; la PMI l'a revue à domicile."
        ),
        "known": [],
        "identifiers": ["Ouédraogo", "Petit"],
        "clinical": ["sage-femme libérale", "du 7e et du 8e mois", "la PMI"],
    },
    {
        "text": (
            "Staff de RMM : DIOP Mariama, G2P1, MFIU à 34 SA ; Kleihauer négatif, bilan de "
            "thrombophilie en cours, autopsie refusée."
        ),
        "known": [],
        "identifiers": ["DIOP", "Mariama"],
        "clinical": ["Staff de RMM", "G2P1", "MFIU à 34 SA", "Kleihauer négatif"],
    },
    {
        "text": (
            "Le père, M. Ionescu, parle roumain : appel à l'interprétariat téléphonique ; "
            "famille orientée vers le SIAO et la CAF."
        ),
        "known": ["Ionescu"],
        "identifiers": ["Ionescu"],
        "clinical": ["parle roumain", "interprétariat téléphonique", "SIAO et la CAF"],
    },
    {
        "text": (
            "Mme Nguyen, 2 passages aux urgences gynécologiques sans suivi ; HTA gravidique, "
            "protéinurie 0,8 g/24 h, TIU décidé le 22/11/2024 à 2 h du matin."
        ),
        "known": [],
        "identifiers": ["Nguyen", "22/11/2024"],
        "clinical": ["2 passages aux urgences", "HTA gravidique", "0,8 g/24 h", "à 2 h du matin"],
    },
    {
        "text": (
            "Patiente de 31 ans, G5P4, connue du service (IPP 00452187), adressée par la SF "
            "libérale Mme Berthier le 15 janvier pour HTA ; allocataire CAF n° 1234567."
        ),
        "known": [],
        "identifiers": ["00452187", "Berthier", "15 janvier", "1234567"],
        "clinical": ["31 ans, G5P4", "connue du service (IPP", "SF libérale", "pour HTA"],
    },
    {
        "text": (
            "Sortie à J4 vers le domicile : 27 avenue Paul Vaillant-Couturier, 93200 Saint-Denis, "
            "3e étage sans ascenseur ; tél fixe 00 33 1 48 11 22 33."
        ),
        "known": [],
        "identifiers": [
            "27 avenue Paul Vaillant-Couturier",
            "93200 Saint-Denis",
            "00 33 1 48 11 22 33",
        ],
        "clinical": ["Sortie à J4", "3e étage sans ascenseur"],
    },
    {
        "text": (
            "Famille hébergée à Villejuif (94270) par le 115, transfert in utero refusé vers "
            "Créteil (94000) faute de place ; plaquettes (150000) normales, Apgar 4/7/9."
        ),
        "known": [],
        "identifiers": ["Villejuif (94270)", "Créteil (94000)"],
        "clinical": ["par le 115", "transfert in utero", "plaquettes (150000)", "Apgar 4/7/9"],
    },
]

# Categories, scored separately by the corpus test (issue 11). The first snippets above were
# written before categories existed: their category is given here, in order.
CIVILITY = "noms après civilité ou fonction"
FIRST_NAME = "prénoms seuls, répétés, initiales"
NO_TITLE = "noms sans civilité (équipe, famille)"
SIGNATURE = "signatures et courriels transférés"
CAPITALS = "noms en capitales"
KNOWN = "valeurs connues du coffre"
RECORD = "n° de dossier et suites de chiffres"
NIR = "NIR"
CONTACT = "téléphones et e-mails"
ADDRESS = "adresses postales"
FULL_DATE = "dates complètes"
PARTIAL_DATE = "dates partielles, écrites, ISO"
PLACE = "lieux (hébergement, école, employeur, commune)"
CLINICAL = "notation clinique et éponymes"
MIXED = "récits mêlés"

_FIRST_CATEGORIES = [
    CAPITALS, FULL_DATE, ADDRESS, RECORD, NIR, CONTACT, CONTACT, FULL_DATE, CLINICAL, CLINICAL,
    RECORD, RECORD, CIVILITY, CIVILITY, KNOWN, MIXED, CIVILITY, ADDRESS, MIXED, FULL_DATE,
    CLINICAL, NIR, CONTACT, FULL_DATE, ADDRESS, CIVILITY, CLINICAL, FULL_DATE, FULL_DATE, PLACE,
    CLINICAL, CLINICAL, CIVILITY, PARTIAL_DATE, CLINICAL, CLINICAL, CONTACT, CIVILITY, RECORD,
    CIVILITY, ADDRESS, ADDRESS, CLINICAL, KNOWN, KNOWN, NIR, NIR, FULL_DATE, CIVILITY, CLINICAL,
    CIVILITY, CAPITALS, CIVILITY, CIVILITY, RECORD, ADDRESS, PLACE,
]  # fmt: skip
for _item, _category in zip(CORPUS, _FIRST_CATEGORIES, strict=True):
    _item["category"] = _category


def _snippet(category, text, identifiers, clinical, known=()):
    return {
        "category": category,
        "text": text,
        "known": list(known),
        "identifiers": identifiers,
        "clinical": clinical,
    }


# Snippets written for issue 11 the way coordinators, midwives and social workers write:
# pasted chronologies, forwarded e-mails with signatures, transcribed calls, staff notes.
CORPUS += [
    # --- First names alone, repeated, with case and accent variants, initials -------------
    _snippet(
        FIRST_NAME,
        "Appel de la mère (Kadiatou) à 2h : bébé ne tète plus. KADIATOU rappelle à 4h, "
        "kadiatou arrive aux urgences à 5h30 avec l'enfant hypotonique.",
        ["Kadiatou", "KADIATOU", "kadiatou"],
        ["aux urgences à 5h30", "hypotonique"],
    ),
    _snippet(
        FIRST_NAME,
        "Sarah B. a été revue en consultation à 34 SA. Sarah refuse la pose d'une sonde. "
        "Sarah B. accepte finalement le déclenchement par Propess.",
        ["Sarah B.", "Sarah"],
        ["34 SA", "déclenchement par Propess"],
    ),
    _snippet(
        FIRST_NAME,
        "Hélène (la mère) dit que le travail a commencé la veille. Helene n'a pas appelé "
        "car elle pensait à des contractions de Braxton-Hicks.",
        ["Hélène", "Helene"],
        ["le travail a commencé la veille", "contractions"],
    ),
    _snippet(
        FIRST_NAME,
        "Noah, né à 25 SA + 3 j, intubé en salle. Noah présente une HIV grade III à J3. "
        "LATA discutée avec les parents de Noah à J6.",
        ["Noah"],
        ["25 SA + 3 j", "HIV grade III à J3", "LATA discutée"],
    ),
    _snippet(
        FIRST_NAME,
        "Awa est venue seule. Awa ne parle que le soninké ; son frère traduit par téléphone.",
        ["Awa"],
        ["soninké", "traduit par téléphone"],
    ),
    _snippet(
        FIRST_NAME,
        "Entretien avec Inès, 17 ans, mineure isolée. Inès était suivie par la PMI jusqu'en "
        "mai. Sa sœur Lina l'accompagne.",
        ["Inès", "Lina"],
        ["17 ans, mineure isolée", "suivie par la PMI"],
    ),
    _snippet(
        FIRST_NAME,
        "Yasmina, G2P1, ATCD de césarienne. yasmina signale des métrorragies à 22 h ; "
        "Yasmina est transférée au bloc.",
        ["Yasmina", "yasmina"],
        ["G2P1", "ATCD de césarienne", "métrorragies à 22 h", "transférée au bloc"],
    ),
    _snippet(
        FIRST_NAME,
        "Le bébé, Ibrahim, 2 480 g, hypoglycémie à H2 (0,25 g/l). Resucrage, puis Ibrahim "
        "est transféré en néonatologie.",
        ["Ibrahim"],
        ["2 480 g", "hypoglycémie à H2 (0,25 g/l)", "en néonatologie"],
    ),
    _snippet(
        FIRST_NAME,
        "Mère : Zoé, 29 ans. Zoe a arrêté le suivi après l'échographie T2. ZOÉ indique avoir "
        "déménagé.",
        ["Zoé", "Zoe", "ZOÉ"],
        ["29 ans", "échographie T2"],
    ),
    _snippet(
        FIRST_NAME,
        "Vu avec Thomas (interne) puis avec Julien, le senior. Thomas a prescrit de "
        "l'amoxicilline 100 mg/kg/j.",
        ["Thomas", "Julien"],
        ["(interne)", "le senior", "amoxicilline 100 mg/kg/j"],
    ),
    _snippet(
        FIRST_NAME,
        "La grand-mère, Fatimata, confirme que Mamadou (le père) est reparti au pays.",
        ["Fatimata", "Mamadou"],
        ["La grand-mère", "le père"],
    ),
    _snippet(
        FIRST_NAME,
        "Bébé Maëlle : bilan infectieux négatif. Maelle sort à J5 avec sa mère.",
        ["Maëlle", "Maelle"],
        ["bilan infectieux négatif", "sort à J5"],
    ),
    # --- Names with no title, staff included -----------------------------------------------
    _snippet(
        NO_TITLE,
        "Garde assurée par Claire Dubreuil et Antoine Moreau ; avis pris auprès de "
        "Nicolas Perrin à 3h.",
        ["Claire Dubreuil", "Antoine Moreau", "Nicolas Perrin"],
        ["Garde assurée", "avis pris", "à 3h"],
    ),
    _snippet(
        NO_TITLE,
        "Julie Martin, cadre, a organisé le débriefing à froid avec l'équipe de nuit.",
        ["Julie Martin"],
        ["cadre", "débriefing à froid", "l'équipe de nuit"],
    ),
    _snippet(
        NO_TITLE,
        "Réunion avec Émilie Roche (cadre de santé) et Paul Lefort (gynécologue).",
        ["Émilie Roche", "Paul Lefort"],
        ["cadre de santé", "gynécologue"],
    ),
    _snippet(
        NO_TITLE,
        "Présents au staff : Sandrine Vidal, Karim Haddad, Lucie Garnier.",
        ["Sandrine Vidal", "Karim Haddad", "Lucie Garnier"],
        ["Présents au staff"],
    ),
    _snippet(
        NO_TITLE,
        "Elle vit avec son compagnon Kevin Durand, au chômage, et la mère de celui-ci.",
        ["Kevin Durand"],
        ["au chômage"],
    ),
    _snippet(
        NO_TITLE,
        "Prise en charge par Marion, SF de salle, puis relais par Hugo Blanc, interne.",
        ["Marion", "Hugo Blanc"],
        ["SF de salle", "interne"],
    ),
    _snippet(
        NO_TITLE,
        "RCF plat à 4h10 ; Mathieu Leclerc appelle l'obstétricien de garde qui arrive à 4h35.",
        ["Mathieu Leclerc"],
        ["RCF plat à 4h10", "l'obstétricien de garde", "4h35"],
    ),
    _snippet(
        NO_TITLE,
        "Accompagnée de son amie Fatou Ndiaye, qui sert d'interprète informelle.",
        ["Fatou Ndiaye"],
        ["interprète informelle"],
    ),
    _snippet(
        NO_TITLE,
        "Le compte rendu de Sophie Leroux (PH) note une CRP à 85 mg/l à H12.",
        ["Sophie Leroux"],
        ["(PH)", "CRP à 85 mg/l à H12"],
    ),
    _snippet(
        NO_TITLE,
        "Décision prise avec Olivier Lambert et Nadia Benali, néonatologues d'astreinte.",
        ["Olivier Lambert", "Nadia Benali"],
        ["néonatologues d'astreinte"],
    ),
    _snippet(
        NO_TITLE,
        "Le conjoint, Jérémy Fabre, demande un rendez-vous avec l'équipe après le décès.",
        ["Jérémy Fabre"],
        ["Le conjoint", "rendez-vous avec l'équipe", "après le décès"],
    ),
    _snippet(
        NO_TITLE,
        "Transmission de Laura Petit (IDE) à Caroline Masson à 7h : ictère à J2, bilirubine "
        "220 µmol/l.",
        ["Laura Petit", "Caroline Masson"],
        ["(IDE)", "ictère à J2", "bilirubine 220 µmol/l"],
    ),
    # --- Signatures and forwarded e-mails ----------------------------------------------------
    _snippet(
        SIGNATURE,
        "---------- Message transféré ---------\nDe : Sophie Lebrun <sophie.lebrun@chu-exemple.fr>"
        "\nDate : lun. 3 févr. 2025 à 10:14\nObjet : RMM\n\nBonjour, ci-dessous la "
        "chronologie. Kleihauer négatif.",
        ["Sophie Lebrun", "sophie.lebrun@chu-exemple.fr", "3 févr. 2025"],
        ["Kleihauer négatif", "Message transféré"],
    ),
    _snippet(
        SIGNATURE,
        "Merci de votre retour.\nBien cordialement,\nAurélie Chevalier\nSage-femme "
        "coordinatrice - Maternité",
        ["Aurélie Chevalier"],
        ["Sage-femme coordinatrice", "Bien cordialement"],
    ),
    _snippet(
        SIGNATURE,
        "From: Marc Dupuis <m.dupuis@ght-exemple.fr>\nSent: Tuesday\nSubject: dossier bébé\n"
        "Le bébé a été transféré en USIN à H3.",
        ["Marc Dupuis", "m.dupuis@ght-exemple.fr"],
        ["transféré en USIN à H3"],
    ),
    _snippet(
        SIGNATURE,
        "Signé : Dr Benoît Marchal, pédiatre\nFait à la maternité, SA 38 + 2.",
        ["Benoît Marchal"],
        ["pédiatre", "SA 38 + 2"],
    ),
    _snippet(
        SIGNATURE,
        "Cordialement\n\nCéline Giraud\nAssistante sociale\nPôle femme-enfant",
        ["Céline Giraud"],
        ["Assistante sociale", "Pôle femme-enfant"],
    ),
    _snippet(
        SIGNATURE,
        "> De : Pascale Renaud\n> Envoyé : vendredi\n> La patiente n'est pas venue au rdv "
        "de 36 SA.",
        ["Pascale Renaud"],
        ["rdv de 36 SA"],
    ),
    _snippet(
        SIGNATURE,
        "Rédigé par : Laurent Bonnet, interne\nValidé par : Pr Agnès Meunier",
        ["Laurent Bonnet", "Agnès Meunier"],
        ["interne"],
    ),
    _snippet(
        SIGNATURE,
        "À : Isabelle Faure <i.faure@pmi-exemple.fr>\nCc : Thierry Colin\nObjet : sortie "
        "précoce J2",
        ["Isabelle Faure", "i.faure@pmi-exemple.fr", "Thierry Colin"],
        ["sortie précoce J2"],
    ),
    _snippet(
        SIGNATURE,
        "Je reste disponible.\nBonne journée,\nVéronique Lemoine\nPuéricultrice de PMI, "
        "secteur nord",
        ["Véronique Lemoine"],
        ["Puéricultrice de PMI", "secteur nord"],
    ),
    _snippet(
        SIGNATURE,
        "Le mail de Stéphanie Arnaud <stephanie.arnaud@exemple.fr> confirme l'absence "
        "d'échographie morphologique.",
        ["Stéphanie Arnaud", "stephanie.arnaud@exemple.fr"],
        ["échographie morphologique"],
    ),
    # --- Names in capitals, as copied from records -----------------------------------------
    _snippet(
        CAPITALS,
        "Patiente NGUYEN Thi Lan, 27 ans, G1P0, admise pour pré-éclampsie sévère.",
        ["NGUYEN", "Thi Lan"],
        ["27 ans", "G1P0", "pré-éclampsie sévère"],
    ),
    _snippet(
        CAPITALS,
        "Étiquette : DA SILVA SANTOS Maria, née le 03.07.1994.",
        ["DA SILVA SANTOS", "Maria", "03.07.1994"],
        ["Étiquette"],
    ),
    _snippet(
        CAPITALS,
        "KOUASSI Adjoua Estelle, hébergée via le 115, PMI informée.",
        ["KOUASSI", "Adjoua", "Estelle"],
        ["hébergée via le 115", "PMI informée"],
    ),
    _snippet(
        CAPITALS,
        "Enfant MARTIN-LEROY Jules, 36 SA, RCIU < 3e percentile.",
        ["MARTIN-LEROY", "Jules"],
        ["36 SA", "RCIU < 3e percentile"],
    ),
    _snippet(
        CAPITALS,
        "Liste des présents : BERNARD Élise (SF), HADDAD Karim (PH), ROUX Léa (interne).",
        ["BERNARD", "Élise", "HADDAD", "Karim", "ROUX", "Léa"],
        ["(SF)", "(PH)", "(interne)"],
    ),
    _snippet(
        CAPITALS,
        "Thi Hoa TRAN, 31 ans, sans interprète ; TRAN refuse la transfusion.",
        ["Thi Hoa", "TRAN"],
        ["31 ans", "sans interprète", "refuse la transfusion"],
    ),
    _snippet(
        CAPITALS,
        "Mère : BEN SALAH Nour, père : EL AMRANI Youssef. Consanguinité au 2e degré.",
        ["BEN SALAH", "Nour", "EL AMRANI", "Youssef"],
        ["Consanguinité au 2e degré"],
    ),
    _snippet(
        CAPITALS,
        "ECBU positif à E. coli ; SCHMITT Anne avertie par téléphone.",
        ["SCHMITT", "Anne"],
        ["ECBU positif à E. coli", "par téléphone"],
    ),
    _snippet(
        CAPITALS,
        "Transfert de GARCIA Lucia vers la maternité de type 3, HELLP, plaquettes 45 G/l.",
        ["GARCIA", "Lucia"],
        ["maternité de type 3", "HELLP", "plaquettes 45 G/l"],
    ),
    # --- Record numbers and long digit runs --------------------------------------------------
    _snippet(
        RECORD,
        "IPP mère : 40012345 ; NDA enfant : 7788990012.",
        ["40012345", "7788990012"],
        ["IPP mère", "NDA enfant"],
    ),
    _snippet(
        RECORD,
        "n° d'admission 2025A004411, UF 4512 (néonatologie).",
        ["2025A004411"],
        ["UF 4512 (néonatologie)"],
    ),
    _snippet(
        RECORD,
        "Numéro 0145678901234 noté sur la fiche de liaison SMUR.",
        ["0145678901234"],
        ["fiche de liaison SMUR"],
    ),
    _snippet(
        RECORD,
        "IPP de la mère 552211009, IPP du bébé 552211010.",
        ["552211009", "552211010"],
        ["IPP de la mère", "IPP du bébé"],
    ),
    _snippet(
        RECORD,
        "Réf. dossier 88124567 ; prélèvement 2501230456 envoyé au laboratoire.",
        ["88124567", "2501230456"],
        ["envoyé au laboratoire"],
    ),
    _snippet(
        RECORD,
        "NDA J1 : 99812345. Bilan : plaquettes 150 000/mm3, leucocytes 12 000/mm3.",
        ["99812345"],
        ["plaquettes 150 000/mm3", "leucocytes 12 000/mm3"],
    ),
    _snippet(
        RECORD,
        "Identifiant DMP 1234567890123456 ; ordonnance n° ORD-2025-887412.",
        ["1234567890123456", "ORD-2025-887412"],
        ["ordonnance"],
    ),
    _snippet(
        RECORD,
        "N° de séjour bébé : S25004512. Héparine 12500 UI/j chez la mère.",
        ["S25004512"],
        ["Héparine 12500 UI/j"],
    ),
    # --- Partial, written and ISO dates ------------------------------------------------------
    _snippet(
        PARTIAL_DATE,
        "Consultation le 12/03, écho le 19/03, puis perdue de vue jusqu'au 02/04.",
        ["12/03", "19/03", "02/04"],
        ["perdue de vue"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Hospitalisée du 3 au 4 mars pour MAP, sortie sous Adalate.",
        ["3 au 4 mars"],
        ["pour MAP", "sous Adalate"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Accouchement le premier mars à 32 SA, décès le trois mars à J2.",
        ["premier mars", "trois mars"],
        ["32 SA", "à J2"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Export DPI : 2025-03-14T08:30 entrée en salle ; 2025-03-14 10:15:00 ERCF pathologique.",
        ["2025-03-14T08:30", "2025-03-14 10:15:00"],
        ["entrée en salle", "ERCF pathologique"],
    ),
    _snippet(
        PARTIAL_DATE,
        "14/03 23h50 : appel ; 15/03 00h12 : naissance, Apgar 1/3/5.",
        ["14/03", "15/03"],
        ["23h50", "00h12", "Apgar 1/3/5"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Le 5/4 message laissé, le 7/4 visite à domicile sans réponse. Col au 1/3 inférieur.",
        ["5/4", "7/4"],
        ["visite à domicile", "au 1/3 inférieur"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Vue les 16 et 18 mai en consultation, TA 14/09 le 18.",
        ["16 et 18 mai"],
        ["TA 14/09"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Début des contractions le vingt-deux juin vers 6h ; arrivée à 11h.",
        ["vingt-deux juin"],
        ["vers 6h", "arrivée à 11h"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Rendez-vous fixé le jeudi 14 non honoré, relance le 21/11.",
        ["jeudi 14", "21/11"],
        ["non honoré"],
    ),
    _snippet(
        PARTIAL_DATE,
        "Horodatage moniteur 2024-12-31T23:58:10 ; bradycardie à 70/min pendant 6 min.",
        ["2024-12-31T23:58:10"],
        ["bradycardie à 70/min pendant 6 min"],
    ),
    # --- Places that identify a family -------------------------------------------------------
    _snippet(
        PLACE,
        "Hébergée par le 115 à l'hôtel Première Classe de Bobigny depuis trois semaines.",
        ["Première Classe de Bobigny"],
        ["Hébergée par le 115", "à l'hôtel", "depuis trois semaines"],
    ),
    _snippet(
        PLACE,
        "La famille vit au foyer Les Mouettes ; l'aîné est à la crèche Les Petits Loups.",
        ["Les Mouettes", "Les Petits Loups"],
        ["La famille vit au foyer", "l'aîné est à la crèche"],
    ),
    _snippet(
        PLACE,
        "Le père est militaire à la caserne Vauban ; la mère travaille chez Derichebourg.",
        ["Vauban", "Derichebourg"],
        ["Le père est militaire", "la mère travaille"],
    ),
    _snippet(
        PLACE,
        "Domiciliée au Kremlin-Bicêtre (94270), suivie au CMP du secteur.",
        ["Kremlin-Bicêtre (94270)"],
        ["suivie au CMP du secteur"],
    ),
    _snippet(
        PLACE,
        "Vit avec sa belle-mère à Villeneuve-Saint-Georges, sans véhicule, à 40 min du CHU.",
        ["Villeneuve-Saint-Georges"],
        ["sans véhicule", "à 40 min du CHU"],
    ),
    _snippet(
        PLACE,
        "Sa fille est scolarisée à l'école Jean Moulin, son fils au collège Pablo Neruda.",
        ["Jean Moulin", "Pablo Neruda"],
        ["scolarisée à l'école", "au collège"],
    ),
    _snippet(
        PLACE,
        "Orientée vers le CHRS La Passerelle puis vers le CADA Les Glycines.",
        ["La Passerelle", "Les Glycines"],
        ["Orientée vers le CHRS", "vers le CADA"],
    ),
    _snippet(
        PLACE,
        "Travaille comme caissière au supermarché Leclerc de Montauban, horaires de nuit.",
        ["Leclerc de Montauban"],
        ["caissière", "horaires de nuit"],
    ),
    _snippet(
        PLACE,
        "Le conjoint est employé chez Transports Martin, absent lors de l'accouchement.",
        ["Transports Martin"],
        ["Le conjoint", "absent lors de l'accouchement"],
    ),
    _snippet(
        PLACE,
        "Famille hébergée à Saint-Ouen-sur-Seine (93400) chez un cousin.",
        ["Saint-Ouen-sur-Seine (93400)"],
        ["Famille hébergée", "chez un cousin"],
    ),
    _snippet(
        PLACE,
        "Adressée par la PMI, elle habite à Montreuil depuis son arrivée en France.",
        ["Montreuil"],
        ["Adressée par la PMI", "arrivée en France"],
    ),
    _snippet(
        PLACE,
        "Mise à l'abri à l'hôtel Ibis Budget de Créteil, chambre partagée avec 3 enfants.",
        ["Ibis Budget de Créteil"],
        ["Mise à l'abri", "chambre partagée avec 3 enfants"],
    ),
    # --- Clinical notation and eponyms only: nothing to remove -------------------------------
    _snippet(
        CLINICAL,
        "Pas d'interprète. Corticothérapie débutée. Sulfate de magnésium en neuroprotection.",
        [],
        ["Pas d'interprète", "Corticothérapie débutée", "Sulfate de magnésium"],
    ),
    _snippet(
        CLINICAL,
        "Kleihauer positif à 80 HbF/10 000, Coombs direct négatif, Guthrie prélevé à J3.",
        [],
        ["Kleihauer positif", "Coombs direct négatif", "Guthrie prélevé à J3"],
    ),
    _snippet(
        CLINICAL,
        "Suspicion de maladie de Hirschsprung ; séquence de Potter éliminée à l'écho.",
        [],
        ["maladie de Hirschsprung", "séquence de Potter"],
    ),
    _snippet(
        CLINICAL,
        "Doppler ombilical : diastole nulle. Doppler cérébral normal. Score de Silverman à 6.",
        [],
        ["Doppler ombilical", "Doppler cérébral normal", "Score de Silverman à 6"],
    ),
    _snippet(
        CLINICAL,
        "Le pédiatre de garde arrive à H+15 min ; l'anesthésiste de garde est au bloc.",
        [],
        ["Le pédiatre de garde", "H+15 min", "l'anesthésiste de garde"],
    ),
    _snippet(
        CLINICAL,
        "Streptocoque B au prélèvement vaginal, Listeria monocytogenes à l'hémoculture, "
        "Escherichia coli K1.",
        [],
        ["Streptocoque B", "Listeria monocytogenes", "Escherichia coli K1"],
    ),
    _snippet(
        CLINICAL,
        "Célestène 12 mg IM à 28 SA, Nalador 500 µg, Syntocinon 5 UI, Exacyl 1 g IVL.",
        [],
        ["Célestène 12 mg", "Nalador 500 µg", "Syntocinon 5 UI", "Exacyl 1 g IVL"],
    ),
    _snippet(
        CLINICAL,
        "Manœuvre de Mauriceau, puis manœuvre de Jacquemier ; Bishop 4 à l'admission.",
        [],
        ["Manœuvre de Mauriceau", "manœuvre de Jacquemier", "Bishop 4"],
    ),
    _snippet(
        CLINICAL,
        "Curosurf 200 mg/kg, caféine, NO inhalé 20 ppm ; Sarnat stade 2 à H6.",
        [],
        ["Curosurf 200 mg/kg", "NO inhalé 20 ppm", "Sarnat stade 2 à H6"],
    ),
    _snippet(
        CLINICAL,
        "Courbes AUDIPOG : poids < 3e percentile. Trisomie 21 dépistée, syndrome de Turner exclu.",
        [],
        ["Courbes AUDIPOG", "< 3e percentile", "syndrome de Turner exclu"],
    ),
    _snippet(
        CLINICAL,
        "Échelle de Finnegan à 12 ; morphine orale ; test de Coombs indirect positif anti-D.",
        [],
        ["Échelle de Finnegan à 12", "morphine orale", "test de Coombs indirect"],
    ),
    _snippet(
        CLINICAL,
        "Ballon de Bakri posé, sulprostone 500 µg, transfusion de 4 CGR, fibrinogène 3 g.",
        [],
        ["Ballon de Bakri", "sulprostone 500 µg", "4 CGR", "fibrinogène 3 g"],
    ),
    _snippet(
        CLINICAL,
        "Incision de Pfannenstiel ; syndrome de Mendelson évité ; Glasgow 15.",
        [],
        ["Incision de Pfannenstiel", "syndrome de Mendelson", "Glasgow 15"],
    ),
    _snippet(
        CLINICAL,
        "Staff du lundi : revue du cas, délai décision-naissance 38 min, code rouge.",
        [],
        ["Staff du lundi", "délai décision-naissance 38 min", "code rouge"],
    ),
    # --- Known values of the vault -----------------------------------------------------------
    _snippet(
        KNOWN,
        "La maman de Tiago est injoignable ; TIAGO a été revu à J8 par la PMI.",
        ["Tiago", "TIAGO"],
        ["injoignable", "revu à J8"],
        known=["Tiago Ferreira"],
    ),
    _snippet(
        KNOWN,
        "Mme Zanzibarova-Petrov et son mari ; zanzibarova refuse l'autopsie.",
        ["Zanzibarova-Petrov", "zanzibarova"],
        ["refuse l'autopsie"],
        known=["Zanzibarova"],
    ),
    _snippet(
        KNOWN,
        "Né le 7 janvier à 3h, dossier 77-4410.",
        ["7 janvier", "77-4410"],
        ["à 3h"],
        known=["07/01/2025", "77-4410"],
    ),
    # --- Mixed narratives --------------------------------------------------------------------
    _snippet(
        MIXED,
        "Transcription de l'appel du 115 : Mme Oumar, hébergée à l'hôtel Campanile d'Évry, "
        "ne peut pas venir au rdv du 21/03. Sa fille Aïcha est malade. Tél : 07 55 44 33 22.",
        ["Oumar", "Campanile d'Évry", "21/03", "Aïcha", "07 55 44 33 22"],
        ["Transcription de l'appel du 115", "hébergée à l'hôtel"],
    ),
    _snippet(
        MIXED,
        "Chronologie collée :\n08:30 arrivée de Mélanie Girard aux urgences, 35 SA\n"
        "09:10 appel du Dr Vasseur\n10:05 césarienne code orange\nNB : IPP 20334455",
        ["Mélanie Girard", "Vasseur", "20334455"],
        ["35 SA", "césarienne code orange", "08:30", "09:10"],
    ),
    _snippet(
        MIXED,
        "Synthèse de l'assistante sociale (Nadia Cherif) : famille en demande d'asile, "
        "hébergée au CADA de Pantin, AME ouverte le 2 avril.",
        ["Nadia Cherif", "Pantin", "2 avril"],
        ["famille en demande d'asile", "AME ouverte"],
    ),
    _snippet(
        MIXED,
        "Staff : bébé de Mme LOPES, pas de Guthrie avant transfert, relu par Thomas Garnier "
        "et Émilie Roche (cadre). n° d'admission 2025A004412.",
        ["LOPES", "Thomas Garnier", "Émilie Roche", "2025A004412"],
        ["pas de Guthrie avant transfert", "(cadre)"],
    ),
    _snippet(
        MIXED,
        "Appel de Sonia Mercier, SF libérale : Mme Diop ne répond plus depuis le 3/02. Le "
        "conjoint, Ousmane, travaille chez Vinci à Nanterre.",
        ["Sonia Mercier", "Diop", "3/02", "Ousmane", "Vinci"],
        ["SF libérale", "ne répond plus"],
    ),
    _snippet(
        MIXED,
        "Rapport de la PMI : enfant Rayan (J10), mère Samira El Idrissi, domicile 4 allée "
        "des Roses, 93140 Bondy. Poids 3 100 g, allaitement exclusif.",
        ["Rayan", "Samira El Idrissi", "4 allée des Roses", "93140 Bondy"],
        ["Poids 3 100 g", "allaitement exclusif", "(J10)"],
    ),
]
