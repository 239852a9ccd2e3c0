"""Demo organisations and one account per role, for `make run`. Idempotent: running it again
creates nothing twice and never resets a password someone changed."""

from django.db import transaction

from .models import Membership, Organisation, Role, User
from .services import membership_bootstrap

DEMO_PASSWORD = "RMM-demo-2026!"  # noqa: S105  (printed by `make run`; demo settings only)

NETWORK = "Réseau périnatal Val-de-Bièvre (démo)"
MATERNITY_SOUTH = "Maternité Hôpital Sud (démo)"
MATERNITY_LIME = "Maternité Les Tilleuls (démo)"
NEONATOLOGY = "Néonatologie Hôpital Sud (démo)"
PMI = "PMI Val-de-Bièvre Est (démo)"

ORGANISATIONS = [
    # name, kind, level, parent
    (NETWORK, Organisation.Kind.NETWORK, "", None),
    (MATERNITY_SOUTH, Organisation.Kind.MATERNITY, Organisation.Level.LEVEL_3, NETWORK),
    (MATERNITY_LIME, Organisation.Kind.MATERNITY, Organisation.Level.LEVEL_1, NETWORK),
    (NEONATOLOGY, Organisation.Kind.NEONATOLOGY, "", NETWORK),
    (PMI, Organisation.Kind.PMI, "", NETWORK),
]

# email, full name, job title, role, organisation
ACCOUNTS = [
    ("declarant@rmm-demo.fr", "Claire Declarante", "Sage-femme", Role.CLINICIAN, MATERNITY_SOUTH),
    ("referent@rmm-demo.fr", "Romain Referent", "Pédiatre", Role.COORDINATOR, MATERNITY_SOUTH),
    ("membre@rmm-demo.fr", "Maud Membre", "Obstétricienne", Role.COMMITTEE_MEMBER, NETWORK),
    ("president@rmm-demo.fr", "Paul President", "Pédiatre", Role.COMMITTEE_CHAIR, NETWORK),
    (
        "secretaire@rmm-demo.fr",
        "Sarah Secretaire",
        "Cadre sage-femme",
        Role.COMMITTEE_SECRETARY,
        NETWORK,
    ),
    (
        "qualite@rmm-demo.fr",
        "Quentin Qualite",
        "Ingénieur qualité",
        Role.QUALITY_MANAGER,
        MATERNITY_SOUTH,
    ),
    ("admin@rmm-demo.fr", "Alice Admin", "Coordinatrice réseau", Role.ADMINISTRATOR, NETWORK),
    (
        "declarant.tilleuls@rmm-demo.fr",
        "Thomas Tilleuls",
        "Pédiatre",
        Role.CLINICIAN,
        MATERNITY_LIME,
    ),
    (
        "referent.tilleuls@rmm-demo.fr",
        "Tina Tilleuls",
        "Sage-femme",
        Role.COORDINATOR,
        MATERNITY_LIME,
    ),
    # The neonatal SMUR's doctor, invited by the committee for one case of its upcoming session
    # (committees/demo.py; issue 15): not a committee member, sees only that case once the
    # charter is accepted.
    (
        "dr.smur@rmm-demo.fr",
        "Samuel Urgent",
        "Médecin SMUR pédiatrique",
        Role.CLINICIAN,
        NEONATOLOGY,
    ),
    # Sees the network's territorial diagnosis (aggregates only, never a case).
    (
        "observateur@rmm-demo.fr",
        "Olivier Observateur",
        "Épidémiologiste du réseau",
        Role.OBSERVER,
        NETWORK,
    ),
]


@transaction.atomic
def load() -> dict[str, int]:
    """Create what is missing; return how many rows of each kind were created."""
    created = {"organisations": 0, "users": 0, "memberships": 0}
    by_name: dict[str, Organisation] = {}
    for name, kind, level, parent in ORGANISATIONS:
        organisation, was_created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "level": level, "parent": by_name.get(parent)}
        )
        by_name[name] = organisation
        created["organisations"] += was_created
    for email, full_name, job_title, role, organisation_name in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name, job_title=job_title
            )
            created["users"] += 1
        organisation = by_name[organisation_name]
        exists = Membership.objects.filter(user=user, organisation=organisation, role=role)
        if not exists.exists():
            # Demo only: vault roles given directly, logged as an initialisation.
            membership_bootstrap(user=user, organisation=organisation, role=role)
            created["memberships"] += 1
    return created


def logins() -> list[tuple[str, str, str]]:
    """(role label, email, organisation) for the start-up banner."""
    return [
        (str(role.label), email, organisation) for email, _n, _j, role, organisation in ACCOUNTS
    ]
