"""Demo committee of the network, with its members (charter accepted), a held session whose
minutes are validated, and a planned session (with the SMUR doctor invited for its case, charter
not yet accepted): takes the demo's 'ready' cases further through
the real services (scheduled, reviewed, action follow-up, closed). Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import NETWORK
from accounts.models import Organisation, Role, User
from accounts.services import membership_bootstrap
from cases.models import Case, ParentsContactFunction, ParentsContactStatus
from cases.services.parents import parents_contact_of, parents_contact_save

from .models import (
    AlarmItem,
    CaseReview,
    CharterAcceptance,
    Committee,
    CommitteeMember,
    Delay,
    IcdPmGroup,
    MaternalCondition,
    PathwayStage,
)
from .services import guests, reviews, sessions
from .services.seats import ORGANISATION_ROLE_OF_SEAT

COMMITTEE_NAME = "Comité RMM du réseau Val-de-Bièvre (démo)"
GUEST_EMAIL = "dr.smur@rmm-demo.fr"
GUEST_FUNCTION = "Médecin SMUR pédiatrique"
MEMBERS = [
    ("president@rmm-demo.fr", "chair", "Pédiatrie"),
    ("secretaire@rmm-demo.fr", "secretary", "Maïeutique"),
    ("membre@rmm-demo.fr", "member", "Obstétrique"),
    ("referent@rmm-demo.fr", "member", "Néonatologie"),
]


# The parents of the first reviewed case were told of the review by the midwife before the
# session, and asked two questions; the committee answers them ("answers" below).
PARENTS_QUESTIONS = (
    "Notre enfant aurait-il survécu si la césarienne avait été faite plus tôt ?\n"
    "Pourquoi a-t-il fallu attendre l'obstétricien de garde ?"
)


# The reviews of the held session, in the order of the demo's reviewed cases (cases/demo.py:
# the intrapartum anoxia at term, the extremely preterm birth without antenatal care, the
# late-onset infection). Each group fits the death (ICD-PM neonatal groups, N1-N11).
REVIEWS = [
    {
        "icd": "N4",  # Complications d'événements intrapartum
        "m": "M1",  # Complications du placenta, du cordon et des membranes (cord prolapse)
        "grade": "C",
        "avoidability": "potentially_avoidable",
        "what_went_well": "Réanimation en salle de naissance et hypothermie thérapeutique sans "
        "délai ; accompagnement des parents lors de la limitation des thérapeutiques.",
        "conclusion": "Délai décision-naissance de 25 minutes pour une procidence du cordon : "
        "revoir l'organisation de la césarienne en urgence (code rouge).",
        # The parents' two questions (PARENTS_QUESTIONS), answered in session: the letter to
        # the parents is drafted from these answers.
        "answers": "Une naissance plus rapide aurait pu changer l'issue, sans que le comité "
        "puisse l'affirmer : la procidence du cordon est une urgence rare et grave, et la "
        "césarienne a eu lieu 25 minutes après la décision.\n"
        "L'obstétricien de garde a été appelé trop tard, car l'alerte passait par plusieurs "
        "personnes. Le comité a décidé de revoir l'organisation de la césarienne en urgence "
        "(code rouge) pour que l'appel parte directement de la salle de naissance.",
        "optimal_care": False,
        "delays": ["D3"],
        "pathway_breaks": ["P05"],
        "factors": [
            ("5.8", "Délai décision-naissance de 25 minutes.", True),
            ("4.1", "Appel de l'obstétricien de garde retardé.", True),
        ],
    },
    {
        "icd": "N9",  # Petit poids de naissance et prématurité
        "m": "M5",  # Aucune condition maternelle
        "grade": "C",
        "avoidability": "potentially_avoidable",
        "what_went_well": "Accueil en salle de naissance et réanimation immédiate.",
        "conclusion": "Grossesse non suivie, droits non ouverts : orientation vers la PMI et le "
        "service social à renforcer.",
        "optimal_care": False,
        "delays": ["D1", "D2"],
        "pathway_breaks": ["P01", "P03"],
        "factors": [
            ("1.4", "Grossesse non suivie, droits non ouverts.", False),
            ("4.2", "Barrière de la langue, pas d'interprète.", True),
        ],
    },
    {
        "icd": "N6",  # Infection
        "m": "M5",  # Aucune condition maternelle
        "grade": "A",
        "avoidability": "not_avoidable",
        "what_went_well": "Antibiotiques dès les premiers signes, admission rapide en "
        "réanimation ; accompagnement du deuil.",
        "conclusion": "Infection tardive sur cathéter malgré une prise en charge conforme : "
        "aucune action corrective.",
        "optimal_care": True,
        "delays": [],
        "pathway_breaks": [],
        "factors": [
            ("1.2", "Prématurité, cathéter central.", False),
        ],
    },
]


def _review(spec: dict, **fields) -> CaseReview:
    return CaseReview(
        icd_pm_group=IcdPmGroup.objects.get(code=spec["icd"]),
        maternal_condition=MaternalCondition.objects.get(code=spec["m"]),
        grade_care_to_death=spec["grade"],
        grade_neonatal_care="B",
        grade_after_death="A",
        avoidability=spec["avoidability"],
        optimal_care=spec["optimal_care"],
        what_went_well=spec["what_went_well"],
        answers_to_parents=spec.get(
            "answers", "Entretien avec le pédiatre référent, compte rendu remis."
        ),
        conclusion=spec["conclusion"],
        **fields,
    )


@transaction.atomic
def load() -> dict[str, int]:
    if Committee.objects.filter(name=COMMITTEE_NAME).exists():
        return {"committees": 0, "sessions": 0}
    network = Organisation.objects.get(name=NETWORK)
    committee = Committee.objects.create(name=COMMITTEE_NAME, organisation=network, quorum=3)
    users = {user.email: user for user in User.objects.filter(email__endswith="@rmm-demo.fr")}
    for email, role, specialty in MEMBERS:
        CommitteeMember.objects.create(
            committee=committee, user=users[email], role=role, specialty=specialty
        )
        CharterAcceptance.objects.create(committee=committee, user=users[email])
        # Seats are the single source of committee roles: each seat has its organisation role
        # (referent@ sits as a member without holding one from accounts.demo).
        membership_bootstrap(
            user=users[email], organisation=network, role=ORGANISATION_ROLE_OF_SEAT[role]
        )
    chair, secretary = users["president@rmm-demo.fr"], users["secretaire@rmm-demo.fr"]

    ready = list(Case.objects.filter(organisation__parent=network, status="ready").order_by("pk"))
    now = timezone.now().replace(second=0, microsecond=0)
    # Held two weeks ago, but never before 1 January: a demo member gets this year's
    # participation certificate (committees/certificates.py) whatever the day.
    start_of_year = timezone.localtime(now).replace(
        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    held = sessions.session_plan(
        committee=committee,
        by=secretary,
        starts_at=max(now - timedelta(days=14), start_of_year),
        place="Salle du réseau",
    )
    planned = sessions.session_plan(
        committee=committee,
        by=secretary,
        starts_at=now + timedelta(days=21),
        video_link="https://visio.example.org/rmm",
    )
    # ready[0] stays ready; ready[1] goes on the planned session; ready[2:5] are reviewed.
    if len(ready) >= 2:
        sessions.agenda_add(session=planned, case=ready[1], by=secretary, presenter=chair)
        # The SMUR doctor who transferred the baby, invited for this case (issue 15).
        if GUEST_EMAIL in users:
            guests.guest_invite(
                session=planned,
                case=ready[1],
                user=users[GUEST_EMAIL],
                function=GUEST_FUNCTION,
                by=secretary,
            )
    reviewed = ready[2:5]
    if reviewed:
        _parents_told_by_the_midwife(reviewed[0], told_on=now.date() - timedelta(days=30))
    for case in reviewed:
        sessions.agenda_add(session=held, case=case, by=secretary, presenter=secretary)
    sessions.session_transition(
        session=held, name="send_agenda", by=secretary, expected_status="planned"
    )
    members = {m.user.email: m for m in committee.members.select_related("user")}
    sessions.attendance_record(
        session=held,
        by=secretary,
        statuses={members[email].pk: "present" for email, *_rest in MEMBERS},
    )
    for index, (case, spec) in enumerate(zip(reviewed, REVIEWS, strict=False)):
        factors = [
            (AlarmItem.objects.get(code=code), comment, avoidable)
            for code, comment, avoidable in spec["factors"]
        ]
        reviews.review_record(
            session=held,
            case=case,
            by=chair,
            review=_review(spec, no_action_needed=index == 2),
            delays=Delay.objects.filter(code__in=spec["delays"]),
            pathway_breaks=PathwayStage.objects.filter(code__in=spec["pathway_breaks"]),
            factors=factors,
        )
    sessions.session_transition(
        session=held, name="hold", by=secretary, expected_status="agenda_sent"
    )
    reviews.minutes_draft(session=held, by=secretary)
    reviews.minutes_validate(session=held, by=chair, version=1)
    # The actions demo (actions/demo.py) takes two of the reviewed cases further.
    return {"committees": 1, "sessions": 2}


def _parents_told_by_the_midwife(case: Case, *, told_on) -> None:
    """The coordinator records, before the session, that the midwife told the parents of the
    review and the questions they asked (the real service: checked like the summary)."""
    coordinator = User.objects.filter(
        memberships__organisation=case.organisation,
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
    ).first()
    if coordinator is None:
        return
    parents_contact_save(
        case=case,
        by=coordinator,
        status=ParentsContactStatus.TOLD,
        told_on=told_on,
        told_by_function=ParentsContactFunction.MIDWIFE,
        questions=PARENTS_QUESTIONS,
        expected_version=parents_contact_of(case).version,
    )
