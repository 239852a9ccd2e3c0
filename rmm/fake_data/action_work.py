"""Corrective actions of the reviewed cases (about three each), with the transitions that
brought them to their status, progress notes where a guard asks for one, and the recorded
decision for the cases the committee closed without any action."""

from datetime import timedelta

from actions.models import ActionTransition, CorrectiveAction, NoActionDecision, ProgressNote

from .bulk import backdated, bulk
from .plan import not_after_now

WHAT = [
    "Protocole de transfert in utero révisé et affiché en salle de naissance.",
    "Interprétariat téléphonique disponible 24 h/24 aux urgences obstétricales.",
    "Formation annuelle à la lecture du rythme cardiaque fœtal.",
    "Visite à domicile de la PMI proposée avant la sortie de maternité.",
    "Staff médico-social hebdomadaire pour les grossesses à risque social.",
]
FUNCTIONS = [
    "Cadre de la salle de naissance",
    "Direction qualité",
    "Pharmacie",
    "Service social",
    "PMI",
]
NATURES = ["organisation", "training", "protocol", "equipment", "pathway", "social"]
# Where an action stands, by the status of its case: a closed case has only finished actions.
CLOSED_CASE = [("verified", 50), ("done", 40), ("cancelled", 10)]
FOLLOW_UP = [("proposed", 5), ("approved", 25), ("in_progress", 40), ("done", 25), ("verified", 5)]
PATH = ["proposed", "approved", "in_progress", "done", "verified"]
MOVES = {"approved": "approve", "in_progress": "start", "done": "complete", "verified": "verify"}


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def create_actions(world, plans, cases, factors_of_case, *, rng, now) -> dict:
    actions, links = [], []
    for plan, case in zip(plans, cases, strict=True):
        for _n in range(plan.actions):
            start = plan.session.starts_at + timedelta(hours=2)
            due = (start + timedelta(days=rng.randint(30, 365))).date()
            status = _pick(rng, CLOSED_CASE if plan.status == "closed" else FOLLOW_UP)
            action = CorrectiveAction(
                what_changes=rng.choice(WHAT),
                barrier=rng.choice(["prevention", "recovery", "mitigation"]),
                nature=rng.choice(NATURES),
                owner_organisation=plan.unit,
                owner_function=rng.choice(FUNCTIONS),
                owner_person=world.coordinator[plan.unit.pk] if rng.random() < 0.3 else None,
                due_date=due,
                priority=rng.choice(["high", "medium", "low"]),
                indicator="Audit de 20 dossiers : 100 % conformes.",
                indicator_check_date=due + timedelta(days=60),
                effectiveness_result="Audit conforme à 95 %." if status == "verified" else "",
                session=plan.session,
                status=status,
                cancellation_reason="Repris par le plan qualité régional."
                if status == "cancelled"
                else "",
                created_by=world.secretary[plan.network],
                created_at=start,
            )
            actions.append(action)
            links.append((action, case, plan, rng.choice(factors_of_case.get(case.pk, [None]))))
    actions = bulk(CorrectiveAction, actions)

    CaseLink = CorrectiveAction.cases.through
    FactorLink = CorrectiveAction.factors.through
    bulk(CaseLink, [CaseLink(correctiveaction_id=a.pk, case_id=c.pk) for a, c, _p, _f in links])
    bulk(
        FactorLink,
        [
            FactorLink(correctiveaction_id=a.pk, contributingfactor_id=f)
            for a, _c, _p, f in links
            if f
        ],
    )

    transitions, notes = [], []
    for action, _case, plan, _factor in links:
        chair, quality = world.chair[plan.network], world.quality[plan.unit.pk]
        coordinator = world.coordinator[plan.unit.pk]
        moment = action.created_at
        reached = PATH.index(action.status) if action.status in PATH else rng.randint(1, 2)
        for step in range(1, reached + 1):
            target = PATH[step]
            moment = not_after_now(
                moment + timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600)),
                earliest=moment,
                now=now,
                rng=rng,
            )
            actor = {"approved": chair, "verified": quality}.get(target, coordinator)
            if target == "done":
                notes.append(
                    ProgressNote(
                        action=action,
                        text="Mise en place effective.",
                        author=coordinator,
                        created_at=moment,
                    )
                )
            transitions.append(_move(action, MOVES[target], PATH[step - 1], target, actor, moment))
        if action.status == "cancelled":
            moment = not_after_now(
                moment + timedelta(days=5, minutes=rng.randint(0, 600)),
                earliest=moment,
                now=now,
                rng=rng,
            )
            transitions.append(
                _move(
                    action,
                    "cancel",
                    PATH[reached],
                    "cancelled",
                    chair,
                    moment,
                    action.cancellation_reason,
                )
            )
    with backdated((ActionTransition, "at")):
        bulk(ActionTransition, transitions)
    bulk(ProgressNote, notes)

    decisions = [
        NoActionDecision(
            case=case,
            reason="Prise en charge conforme, aucune action nécessaire.",
            decided_by=world.chair[plan.network],
            decided_at=plan.session.starts_at + timedelta(hours=2),
        )
        for plan, case in zip(plans, cases, strict=True)
        if plan.no_action
    ]
    bulk(NoActionDecision, decisions)
    return {
        "actions": len(actions),
        "action_transitions": len(transitions),
        "no_action": len(decisions),
    }


def _move(action, name, source, target, actor, at, comment=""):
    return ActionTransition(
        action=action,
        transition=name,
        source=source,
        target=target,
        actor=actor,
        actor_name=actor.full_name,
        at=at,
        comment=comment,
    )
