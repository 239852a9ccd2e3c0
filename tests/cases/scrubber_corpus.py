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
