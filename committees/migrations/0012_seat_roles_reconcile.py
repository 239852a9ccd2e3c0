"""Committee seats are the single source of committee roles (committees/services/seats.py).

Installations older than that rule may hold organisation committee roles (Président, Secrétaire,
Membre de comité) that no seat explains, and seats whose mirrored role is missing. The safe
direction is the seat's:
- a seat on an active committee whose role is missing or inactive gets it (the role only opens
  the navigation's "Cas" section: the seat already gave the access to the committee's cases);
- a committee role no active seat explains is deactivated, never deleted, and never turned into
  a seat (that would open a committee's cases nobody chose to open). The administrator sees it,
  inactive, and gives a seat if it was meant.
Each change is written to the security log, by "Migration" (no actor).
"""

from django.db import migrations

ORGANISATION_ROLE_OF_SEAT = {
    "chair": "committee_chair",
    "secretary": "committee_secretary",
    "member": "committee_member",
    "external_expert": "committee_member",
}
SEAT_ROLES = frozenset(ORGANISATION_ROLE_OF_SEAT.values())
ACTOR_NAME = "Migration (sièges de comité)"


def seat_roles_reconcile(apps, schema_editor=None) -> dict[str, int]:
    """Make every organisation's committee roles say what the active seats say."""
    CommitteeMember = apps.get_model("committees", "CommitteeMember")
    Membership = apps.get_model("accounts", "Membership")
    SecurityEvent = apps.get_model("accounts", "SecurityEvent")
    User = apps.get_model("accounts", "User")

    wanted: dict[tuple[int, int], set[str]] = {}
    seats = CommitteeMember.objects.filter(is_active=True, committee__is_active=True)
    for user_id, organisation_id, role in seats.values_list(
        "user_id", "committee__organisation_id", "role"
    ):
        wanted.setdefault((user_id, organisation_id), set()).add(ORGANISATION_ROLE_OF_SEAT[role])

    names = {}

    def name_of(user_id):
        if user_id not in names:
            user = User.objects.filter(pk=user_id).values("full_name", "email").first() or {}
            names[user_id] = user.get("full_name") or user.get("email", "")
        return names[user_id]

    def log(kind, user_id, organisation_id, role, detail):
        SecurityEvent.objects.create(
            kind=kind,
            actor=None,
            actor_name=ACTOR_NAME,
            target_id=user_id,
            target_name=name_of(user_id),
            organisation_id=organisation_id,
            role=role,
            detail=detail,
        )

    counts = {"granted": 0, "deactivated": 0}
    held = Membership.objects.filter(role__in=SEAT_ROLES)
    for membership in held.filter(is_active=True):
        key = (membership.user_id, membership.organisation_id)
        if membership.role not in wanted.get(key, set()):
            membership.is_active = False
            membership.save(update_fields=["is_active"])
            log(
                "role_revoked",
                membership.user_id,
                membership.organisation_id,
                membership.role,
                "Rôle de comité sans siège désactivé : donnez un siège s'il était voulu.",
            )
            counts["deactivated"] += 1
    for (user_id, organisation_id), roles in sorted(wanted.items()):
        for role in sorted(roles):
            membership, created = Membership.objects.get_or_create(
                user_id=user_id,
                organisation_id=organisation_id,
                role=role,
                defaults={"is_active": True},
            )
            if not created and membership.is_active:
                continue
            if not created:
                membership.is_active = True
                membership.save(update_fields=["is_active"])
            log(
                "role_granted",
                user_id,
                organisation_id,
                role,
                "Rôle de comité rétabli d'après le siège de comité.",
            )
            counts["granted"] += 1
    return counts


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_invitations_and_role_labels"),
        ("committees", "0011_minutes_pdf"),
    ]

    operations = [
        migrations.RunPython(seat_roles_reconcile, migrations.RunPython.noop, elidable=True),
    ]
