"""Demo reminders: `make run` must show them firing. The other demos leave no session in the
coming days, no minutes overdue and no action due within the week, so this one adds, through the
real services, a session tomorrow (agenda sent, a presenter), a session held ten days ago whose
minutes wait, a session in five days whose agenda is not sent; it dates back the declared case
and brings one action's due date within the week. Then it runs the sweep once, so the demo users
find their notifications at first login, before beat's first sweep (which e-mails them: nothing
is sent from here). Idempotent (the sweep too: the ledger records each reminder once)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.demo import MATERNITY_SOUTH
from accounts.models import Organisation, User
from actions.models import ActionStatus, CorrectiveAction
from cases.models import CareEvent, Case
from cases.services.cases import care_event_save, case_create_draft, summary_save
from cases.services.transitions import case_transition
from cases.status import CaseStatus
from committees.demo import COMMITTEE_NAME
from committees.models import CaseReview, Committee, IcdPmGroup, MaternalCondition, Session
from committees.services import reviews, sessions

from . import sweep
from .models import Notification

PARIS = ZoneInfo("Europe/Paris")
UPCOMING_PLACE = "Salle du réseau — séance de demain (démo des rappels)"
HELD_PLACE = "Salle du réseau — séance tenue, compte rendu en attente (démo des rappels)"
UNSENT_PLACE = "Salle du réseau — ordre du jour à envoyer (démo des rappels)"

# Two more cases for these sessions (invented identities), declared and documented for real:
# (mother, facts, hours lived, narrative kept in the vault, summary for the committee,
# chronology). Summaries agree with the facts and with the age computed from the vault.
_CASE_FACTS = {
    "outcome": "live_birth_death",
    "birth_place_type": "maternity",
    "plurality": "singleton",
    "presentation": "cephalic",
    "transfer_in_utero": False,
    "treatment_limitation": False,
    "autopsy_offered": True,
    "autopsy_accepted": False,
    "autopsy_done": False,
    "placental_histology_done": True,
    "resuscitation_at_birth": True,
    "resuscitation_mask_ventilation": True,
    "resuscitation_intubation": True,
    "neonatal_admission": "nicu",
    "place_of_death": "nicu",
}
CASES = [
    (
        ("Lambert", "Inès"),
        {
            **_CASE_FACTS,
            "gestational_age_weeks": 29,
            "gestational_age_days": 4,
            "birth_weight_g": 1230,
            "sex": "female",
            "maternity_level_at_birth": "1",
            "preterm_rupture_of_membranes": True,
            "antenatal_corticosteroids": "incomplete",
            "postnatal_transfer": True,
            "postnatal_transfer_level": "3",
            "postnatal_transfer_unit": "Réanimation néonatale de la maternité de niveau 3",
            "postnatal_transfer_age_hours": 2,
            "postnatal_transfer_mode": "medical",
            "labour_onset": "spontaneous",
            "delivery_mode": "spontaneous_vaginal",
            "apgar_1min": 5,
            "apgar_5min": 7,
            "first_week_respiratory_distress": True,
        },
        24 * 4 + 5,
        "Mme Lambert, rupture prématurée des membranes à 29 SA, transfert néonatal à H2.",
        "Rupture prématurée des membranes à 29 SA, naissance à 29 SA + 4 j en maternité de "
        "niveau 1 avant tout transfert in utero, transfert postnatal médicalisé à H2, détresse "
        "respiratoire, décès à J4 en réanimation néonatale.",
        [
            {
                "period": "postnatal",
                "day_of_life": 0,
                "hour_of_day": 2,
                "place_type": "transport",
                "actor_function": "emergency",
                "description": "Transfert postnatal médicalisé en réanimation néonatale.",
            },
        ],
    ),
    (
        ("Rousseau", "Nadia"),
        {
            **_CASE_FACTS,
            "gestational_age_weeks": 38,
            "gestational_age_days": 0,
            "birth_weight_g": 2900,
            "sex": "male",
            "maternity_level_at_birth": "3",
            "postnatal_transfer": False,
            "antenatal_corticosteroids": "none",
            "labour_onset": "spontaneous",
            "amniotic_fluid": "meconium",
            "delivery_mode": "instrumental_vaginal",
            "apgar_1min": 2,
            "apgar_5min": 4,
            "apgar_10min": 6,
            "first_week_respiratory_distress": True,
            "cause_of_death_icd10": "P24.0",
        },
        30,
        "Mme Rousseau, liquide méconial, naissance à 38 SA, inhalation méconiale.",
        "Naissance à terme en liquide méconial, inhalation méconiale, décès à J1 malgré la "
        "réanimation.",
        [
            {
                "period": "postnatal",
                "day_of_life": 0,
                "hour_of_day": 1,
                "place_type": "nicu",
                "actor_function": "neonatologist",
                "description": "Inhalation méconiale, ventilation en réanimation néonatale.",
            },
        ],
    ),
]


def _day_at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _ready_case(index: int, users: dict) -> Case:
    """A case declared, accepted, documented and submitted to the committee (audited)."""
    (last_name, first_name), facts, hours, narrative, summary, events = CASES[index]
    clinician, coordinator = users["declarant@rmm-demo.fr"], users["referent@rmm-demo.fr"]
    born_at = datetime(2026, 10, 5 + 7 * index, 6, 30, tzinfo=PARIS)
    case = case_create_draft(
        organisation=Organisation.objects.get(name=MATERNITY_SOUTH),
        by=clinician,
        facts=facts,
        identity={
            "mother_last_name": last_name,
            "mother_first_name": first_name,
            "born_at": born_at,
            "died_at": born_at + timedelta(hours=hours),
            "narrative_original": narrative,
        },
    )
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    case_transition(case_id=case.pk, name="accept", by=coordinator, expected_status="declared")
    case = Case.objects.get(pk=case.pk)
    for fields in events:
        care_event_save(case=case, by=coordinator, event=CareEvent(**fields))
    summary_save(case=case, by=coordinator, summary=summary, validate=True)
    case_transition(
        case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
    )
    return Case.objects.get(pk=case.pk)


def _sessions(committee: Committee, users: dict) -> int:
    chair, secretary = users["president@rmm-demo.fr"], users["secretaire@rmm-demo.fr"]
    # Tomorrow, agenda sent, a presenter: J-14 (prepare the case), J-7 (agenda), J-1.
    upcoming = sessions.session_plan(
        committee=committee, by=secretary, starts_at=_day_at(1, 14), place=UPCOMING_PLACE
    )
    sessions.agenda_add(
        session=upcoming,
        case=_ready_case(0, users),
        by=secretary,
        presenter=users["referent@rmm-demo.fr"],
    )
    sessions.session_transition(
        session=upcoming, name="send_agenda", by=secretary, expected_status="planned"
    )
    # Held ten days ago, case reviewed, minutes never drafted: J+7 for the secretary, then the
    # chair.
    held = sessions.session_plan(
        committee=committee, by=secretary, starts_at=_day_at(-10, 14), place=HELD_PLACE
    )
    case = _ready_case(1, users)
    sessions.agenda_add(session=held, case=case, by=secretary, presenter=chair)
    sessions.session_transition(
        session=held, name="send_agenda", by=secretary, expected_status="planned"
    )
    sessions.attendance_record(
        session=held,
        by=secretary,
        statuses={member.pk: "present" for member in committee.members.filter(is_active=True)},
    )
    reviews.review_record(
        session=held,
        case=case,
        by=chair,
        review=CaseReview(
            # Meconium aspiration (P24.0): respiratory disorders; no maternal condition.
            icd_pm_group=IcdPmGroup.objects.get(code="N7"),
            maternal_condition=MaternalCondition.objects.get(code="M5"),
            grade_care_to_death="B",
            grade_neonatal_care="A",
            grade_after_death="A",
            avoidability="not_avoidable",
            optimal_care=True,
            no_action_needed=True,
            conclusion="Prise en charge adaptée ; pas d'action corrective.",
        ),
    )
    sessions.session_transition(
        session=held, name="hold", by=secretary, expected_status="agenda_sent"
    )
    # `hold` records the moment the secretary marks it; the demo session took place ten days
    # ago, so the J+7 reminder is due now.
    Session.objects.filter(pk=held.pk).update(held_at=_day_at(-10, 17))
    # In five days, agenda not sent yet: J-7 for the chair and the secretary.
    sessions.session_plan(
        committee=committee, by=secretary, starts_at=_day_at(5, 14), place=UNSENT_PLACE
    )
    return 3


def _dates() -> None:
    """Dates only time gives, set in the data (transitions and their audit rows stay as they
    are: the audit is append-only, so 'in documentation for 30 days' cannot be shown here)."""
    now = timezone.now()
    # A case declared nine days ago and still not taken in charge (7-day reminder).
    Case.objects.filter(
        organisation__name=MATERNITY_SOUTH,
        status=CaseStatus.DECLARED,
        declared_at__gt=now - timedelta(days=7),
    ).update(declared_at=now - timedelta(days=9))
    # An action falling due within the week (the actions demo has one overdue, none due soon).
    today = timezone.localdate()
    followed = CorrectiveAction.objects.filter(
        status__in=[ActionStatus.APPROVED, ActionStatus.IN_PROGRESS], paqss_reference=""
    )
    if not followed.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7)).exists():
        soon = followed.filter(due_date__gt=today).order_by("due_date").first()
        if soon is not None:
            CorrectiveAction.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=5))


@transaction.atomic
def load() -> dict[str, int]:
    committee = Committee.objects.filter(name=COMMITTEE_NAME).first()
    if committee is None:
        return {"sessions": 0, "notifications": 0}
    created = 0
    if not Session.objects.filter(committee=committee, place=UPCOMING_PLACE).exists():
        users = {user.email: user for user in User.objects.filter(email__endswith="@rmm-demo.fr")}
        created = _sessions(committee, users)
        _dates()
    before = Notification.objects.count()
    sweep.sweep()
    return {"sessions": created, "notifications": Notification.objects.count() - before}
