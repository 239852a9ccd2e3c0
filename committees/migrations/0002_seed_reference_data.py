"""Seed the reference taxonomies of the review (DESIGN §9): ICD-PM groups and maternal
conditions, the ALARM grid of contributing factors, the three delays and the care-pathway stages.

Rows are matched by code (`update_or_create`), so running the seed again is harmless. The reverse
deletes the rows this migration creates (it fails, as it should, if reviews already use them).
"""

from django.db import migrations

# (code, timing, French label); positions follow this order.
ICD_PM_GROUPS = [
    ("A1", "A", "Malformations congénitales"),
    ("A2", "A", "Infection"),
    ("A3", "A", "Hypoxie antepartum"),
    ("A4", "A", "Autre affection antepartum précisée"),
    ("A5", "A", "Troubles liés à la croissance fœtale"),
    ("A6", "A", "Non précisé"),
    ("I1", "I", "Malformations congénitales"),
    ("I2", "I", "Traumatisme obstétrical"),
    ("I3", "I", "Événement aigu intrapartum"),
    ("I4", "I", "Infection"),
    ("I5", "I", "Autre affection intrapartum précisée"),
    ("I6", "I", "Troubles liés à la croissance fœtale"),
    ("I7", "I", "Non précisé"),
    ("N1", "N", "Malformations congénitales"),
    ("N2", "N", "Troubles liés à la croissance fœtale"),
    ("N3", "N", "Traumatisme obstétrical"),
    ("N4", "N", "Complications d'événements intrapartum"),
    ("N5", "N", "Convulsions et troubles de l'état cérébral"),
    ("N6", "N", "Infection"),
    ("N7", "N", "Troubles respiratoires et cardiovasculaires"),
    ("N8", "N", "Autres affections néonatales"),
    ("N9", "N", "Petit poids de naissance et prématurité"),
    ("N10", "N", "Divers"),
    ("N11", "N", "Non précisé"),
]

MATERNAL_CONDITIONS = [
    ("M1", "Complications du placenta, du cordon et des membranes"),
    ("M2", "Complications maternelles de la grossesse"),
    ("M3", "Autres complications du travail et de l'accouchement"),
    ("M4", "Pathologies médicales et chirurgicales maternelles"),
    ("M5", "Aucune condition maternelle"),
]

# ALARM grid: (category code, category label, [item labels]); items are coded "1.1", "1.2"...
ALARM_GRID = [
    (
        "1",
        "Patient",
        [
            "Antécédents",
            "État de santé",
            "Traitements",
            "Personnalité, facteurs sociaux ou familiaux",
            "Relations conflictuelles",
        ],
    ),
    (
        "2",
        "Tâches",
        [
            "Protocoles",
            "Résultats d'examens complémentaires",
            "Aides à la décision",
            "Définition des tâches",
            "Programmation et planification",
        ],
    ),
    (
        "3",
        "Individu/soignant",
        [
            "Qualifications et compétences",
            "Facteurs de stress physique ou psychologique",
        ],
    ),
    (
        "4",
        "Équipe",
        [
            "Communication entre professionnels",
            "Communication avec le patient et son entourage",
            "Informations écrites",
            "Transmissions et alertes",
            "Répartition des tâches",
            "Encadrement et supervision",
            "Demandes de soutien",
        ],
    ),
    (
        "5",
        "Environnement de travail",
        [
            "Administration",
            "Locaux",
            "Déplacements et transferts",
            "Fournitures et équipements",
            "Informatique",
            "Effectifs",
            "Charge de travail et horaires",
            "Retards et délais",
        ],
    ),
    (
        "6",
        "Organisation et management",
        [
            "Structure hiérarchique",
            "Gestion des ressources humaines",
            "Formation continue",
            "Sous-traitance",
            "Politique d'achat",
            "Management de la qualité",
            "Ressources financières",
        ],
    ),
    (
        "7",
        "Contexte institutionnel",
        [
            "Politique de santé nationale",
            "Politique de santé régionale",
            "Systèmes de signalement",
        ],
    ),
]

DELAYS = [
    ("D1", "Retard à la décision de recourir aux soins"),
    ("D2", "Retard à l'accès aux soins"),
    ("D3", "Retard à la prise en charge adaptée"),
]

PATHWAY_STAGES = [
    ("P01", "Suivi prénatal"),
    ("P02", "Dépistage et orientation"),
    ("P03", "Accès aux droits et accompagnement social"),
    ("P04", "Admission et urgences"),
    ("P05", "Travail et accouchement"),
    ("P06", "Réanimation néonatale"),
    ("P07", "Transfert"),
    ("P08", "Séjour en néonatologie"),
    ("P09", "Sortie de maternité"),
    ("P10", "Suivi à domicile et PMI"),
]


def alarm_item_code(category_code, index):
    return f"{category_code}.{index}"


def seed(apps, schema_editor):
    IcdPmGroup = apps.get_model("committees", "IcdPmGroup")
    MaternalCondition = apps.get_model("committees", "MaternalCondition")
    AlarmCategory = apps.get_model("committees", "AlarmCategory")
    AlarmItem = apps.get_model("committees", "AlarmItem")
    Delay = apps.get_model("committees", "Delay")
    PathwayStage = apps.get_model("committees", "PathwayStage")

    for position, (code, timing, label) in enumerate(ICD_PM_GROUPS, start=1):
        IcdPmGroup.objects.update_or_create(
            code=code,
            defaults={"label": label, "timing": timing, "position": position, "is_active": True},
        )
    for model, rows in (
        (MaternalCondition, MATERNAL_CONDITIONS),
        (Delay, DELAYS),
        (PathwayStage, PATHWAY_STAGES),
    ):
        for position, (code, label) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"label": label, "position": position, "is_active": True}
            )
    for category_position, (category_code, category_label, items) in enumerate(ALARM_GRID, start=1):
        category, _created = AlarmCategory.objects.update_or_create(
            code=category_code,
            defaults={"label": category_label, "position": category_position, "is_active": True},
        )
        for position, label in enumerate(items, start=1):
            AlarmItem.objects.update_or_create(
                code=alarm_item_code(category_code, position),
                defaults={
                    "category": category,
                    "label": label,
                    "position": position,
                    "is_active": True,
                },
            )


def unseed(apps, schema_editor):
    def delete(model_name, codes):
        apps.get_model("committees", model_name).objects.filter(code__in=codes).delete()

    delete(
        "AlarmItem",
        [
            alarm_item_code(category_code, index)
            for category_code, _label, items in ALARM_GRID
            for index in range(1, len(items) + 1)
        ],
    )
    delete("AlarmCategory", [code for code, _label, _items in ALARM_GRID])
    delete("IcdPmGroup", [code for code, _timing, _label in ICD_PM_GROUPS])
    delete("MaternalCondition", [code for code, _label in MATERNAL_CONDITIONS])
    delete("Delay", [code for code, _label in DELAYS])
    delete("PathwayStage", [code for code, _label in PATHWAY_STAGES])


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
