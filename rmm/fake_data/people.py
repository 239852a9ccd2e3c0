"""The invented region: an ARS, two perinatal networks, maternities of every level, a neonatal
unit, a PMI and a CPTS (20 organisations), the people who work there in every role, and one
review committee per network whose members have signed the charter."""

from accounts.models import Membership, Organisation, Role, User
from accounts.services import direct_vault_grants
from committees.models import CharterAcceptance, Committee, CommitteeMember

from .bulk import bulk

DOMAIN = "rmm-fake.test"
UNUSABLE = "!"  # Django's mark of an unusable password: nobody signs in with these accounts

# (name, level, network index, weight): level 3 units declare the most cases.
MATERNITIES = [
    ("Maternité Hôpital Nord", "3", 0, 14),
    ("Maternité CHU Sud", "3", 1, 12),
    ("Maternité Les Lilas", "2B", 0, 8),
    ("Maternité Saint-Joseph", "2B", 0, 7),
    ("Maternité du Parc", "2B", 1, 6),
    ("Maternité Jean-Rostand", "2A", 0, 6),
    ("Maternité Bel-Air", "2A", 1, 5),
    ("Maternité des Coteaux", "2A", 0, 5),
    ("Maternité du Val", "2A", 1, 4),
    ("Maternité de la Vallée", "1", 0, 3),
    ("Maternité des Pins", "1", 1, 3),
    ("Maternité du Littoral", "1", 0, 3),
    ("Maternité de Bellevue", "1", 1, 2),
    ("Maternité des Tilleuls", "1", 0, 2),
]
NEONATAL_UNIT = ("Néonatologie Hôpital Nord", 0, 6)
NETWORKS = ["Réseau périnatal Nord (fictif)", "Réseau périnatal Sud (fictif)"]
ARS = "ARS régionale (fictive)"
OTHERS = [
    ("PMI départementale (fictive)", Organisation.Kind.PMI, 1),
    ("CPTS des Coteaux (fictive)", Organisation.Kind.CPTS, 0),
]
CLINICIANS_PER_UNIT = 4
COMMITTEE_MEMBERS = 10

# Who the benchmark signs in as (emails are stable for a given --cases and --seed).
PERSONAS = {
    "coordinator": f"referent.0@{DOMAIN}",
    "clinician": f"clinicien.0.0@{DOMAIN}",
    "quality_manager": f"qualite.0@{DOMAIN}",
    "chair": f"president.0@{DOMAIN}",
    "secretary": f"secretaire.0@{DOMAIN}",
    "member": f"membre.0.0@{DOMAIN}",
    "administrator": f"admin.reseau.0@{DOMAIN}",
    "operator": f"operateur@{DOMAIN}",
    "observer": f"observateur.ars@{DOMAIN}",  # the region's epidemiologist: aggregates only
}


class World:
    """What the later steps need to know about the organisations and people."""

    def __init__(self):
        self.ars = None
        self.networks = []
        self.units = []  # declaring organisations (maternities and the neonatal unit)
        self.weights = []
        self.network_of = {}  # unit pk -> network index
        self.clinicians = {}  # unit pk -> [users]
        self.coordinator = {}  # unit pk -> user
        self.quality = {}  # unit pk -> user
        self.committees = []
        self.chair = []
        self.secretary = []
        self.committee_members = []  # per committee: [CommitteeMember]


def _user(email: str, name: str, title: str = "") -> User:
    return User(email=email, full_name=name, job_title=title, password=UNUSABLE)


def create_world() -> World:
    world = World()
    world.ars = Organisation.objects.create(name=ARS, kind=Organisation.Kind.ARS)
    world.networks = bulk(
        Organisation,
        [
            Organisation(name=name, kind=Organisation.Kind.NETWORK, parent=world.ars)
            for name in NETWORKS
        ],
    )
    units = [
        Organisation(
            name=name, kind=Organisation.Kind.MATERNITY, level=level, parent=world.networks[net]
        )
        for name, level, net, _weight in MATERNITIES
    ]
    units.append(
        Organisation(
            name=NEONATAL_UNIT[0],
            kind=Organisation.Kind.NEONATOLOGY,
            parent=world.networks[NEONATAL_UNIT[1]],
        )
    )
    world.units = bulk(Organisation, units)
    world.weights = [weight for *_rest, weight in MATERNITIES] + [NEONATAL_UNIT[2]]
    nets = [net for _name, _level, net, _weight in MATERNITIES] + [NEONATAL_UNIT[1]]
    world.network_of = {unit.pk: net for unit, net in zip(world.units, nets, strict=True)}
    bulk(
        Organisation,
        [
            Organisation(name=name, kind=kind, parent=world.networks[net])
            for name, kind, net in OTHERS
        ],
    )

    users, memberships = [], []

    def person(email, name, title, organisation, role):
        user = _user(email, name, title)
        users.append(user)
        memberships.append(Membership(user=user, organisation=organisation, role=role))
        return user

    for n, unit in enumerate(world.units):
        world.coordinator[unit.pk] = person(
            f"referent.{n}@{DOMAIN}", f"Référent RMM {n}", "Sage-femme", unit, Role.COORDINATOR
        )
        world.quality[unit.pk] = person(
            f"qualite.{n}@{DOMAIN}", f"Responsable qualité {n}", "Cadre", unit, Role.QUALITY_MANAGER
        )
        world.clinicians[unit.pk] = [
            person(
                f"clinicien.{n}.{k}@{DOMAIN}",
                f"Clinicien {n}-{k}",
                "Pédiatre" if k % 2 else "Sage-femme",
                unit,
                Role.CLINICIAN,
            )
            for k in range(CLINICIANS_PER_UNIT)
        ]
    committee_people = []
    for n, network in enumerate(world.networks):
        person(
            f"admin.reseau.{n}@{DOMAIN}",
            f"Administrateur réseau {n}",
            "",
            network,
            Role.ADMINISTRATOR,
        )
        chair = person(
            f"president.{n}@{DOMAIN}", f"Président {n}", "Pédiatre", network, Role.COMMITTEE_CHAIR
        )
        secretary = person(
            f"secretaire.{n}@{DOMAIN}",
            f"Secrétaire {n}",
            "Sage-femme",
            network,
            Role.COMMITTEE_SECRETARY,
        )
        members = [
            person(
                f"membre.{n}.{k}@{DOMAIN}",
                f"Membre {n}-{k}",
                "Obstétricien",
                network,
                Role.COMMITTEE_MEMBER,
            )
            for k in range(COMMITTEE_MEMBERS)
        ]
        world.chair.append(chair)
        world.secretary.append(secretary)
        committee_people.append(
            [(chair, "chair"), (secretary, "secretary")] + [(m, "member") for m in members]
        )
    person(f"admin.ars@{DOMAIN}", "Administrateur ARS", "", world.ars, Role.ADMINISTRATOR)
    person(PERSONAS["observer"], "Épidémiologiste ARS", "", world.ars, Role.OBSERVER)
    operator = _user(PERSONAS["operator"], "Opérateur de la plateforme")
    operator.is_superuser = True
    users.append(operator)

    bulk(User, users)
    for membership in memberships:
        membership.user_id = membership.user.pk
    with direct_vault_grants():  # invented data, outside the confirmation service
        bulk(Membership, memberships)

    world.committees = bulk(
        Committee,
        [
            Committee(name=f"Comité RMM {name}", organisation=network, quorum=3)
            for name, network in zip(NETWORKS, world.networks, strict=True)
        ],
    )
    members, charters = [], []
    for committee, people in zip(world.committees, committee_people, strict=True):
        rows = [CommitteeMember(committee=committee, user=user, role=role) for user, role in people]
        members.append(rows)
        charters += [CharterAcceptance(committee=committee, user=user) for user, _role in people]
    world.committee_members = [bulk(CommitteeMember, rows) for rows in members]
    bulk(CharterAcceptance, charters)
    return world
