"""The action plan in session: the actions panel of the review screen, the proposal page
(chair and secretary, once the case's review is recorded), approving a proposed action or
recording why none is needed; and what the actions add to the minutes and the session page
(each reviewed case's actions, the "Suivi des actions" section). Registered in apps.py into
the committees registries: committees never imports actions."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from accounts.models import Organisation
from cases.forms import TransitionForm
from cases.services.transitions import case_transition
from cases.status import CaseStatus
from committees.models import Session, SessionStatus
from committees.permissions import (
    can_plan_session,
    can_review_case_in_session,
    sessions_visible_to,
)
from rmm import workflow
from rmm.errors import UserError
from rmm.querysets import (
    columns_read_by_hand,
    first_rows_of_parts,
    keep_related,
    models_read_by_hand,
    moment_read_by_hand,
)
from rmm.workflow.engine import state_field

from .forms import ActionProposalForm, NoActionForm, refusal_message
from .models import OPEN_STATUSES, ActionStatus, CorrectiveAction, NoActionDecision
from .services import action_propose, action_transition, no_action_decide

ADOPT = "adopt_action_plan"


# --- Reads ---------------------------------------------------------------------------------
def case_actions_and_decision(*, case) -> tuple[list[CorrectiveAction], NoActionDecision | None]:
    """(every action answering the case, whatever the session that decided it, in due-date
    order, each with its owner organisation, session and factors; the committee's decision
    that no action is needed, or None). One statement written once for both, in SQL that
    PostgreSQL and SQLite both read (the ORM spent ~1.5 ms of the review screen building two),
    the models built as the ORM builds them (tested equal to its readings); the factors are
    read apart, only when there are actions."""
    links = CorrectiveAction.cases.through
    models = (NoActionDecision, CorrectiveAction, Organisation, Session)
    columns = [columns_read_by_hand(m, a) for m, a in zip(models, "daos", strict=True)]
    quote = connection.ops.quote_name
    link_case = quote(links._meta.get_field("case").column)
    link_action = quote(links._meta.get_field("correctiveaction").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM (SELECT CAST(%s AS BIGINT) AS case_id) x"  # noqa: S608 (from the models)
        f" LEFT OUTER JOIN {NoActionDecision._meta.db_table} d ON d.case_id = x.case_id"
        f" LEFT OUTER JOIN {links._meta.db_table} l ON l.{link_case} = x.case_id"
        f" LEFT OUTER JOIN {CorrectiveAction._meta.db_table} a ON a.id = l.{link_action}"
        f" LEFT OUTER JOIN {Organisation._meta.db_table} o ON a.owner_organisation_id = o.id"
        f" LEFT OUTER JOIN {Session._meta.db_table} s ON a.session_id = s.id"
        " ORDER BY a.due_date ASC, a.id ASC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.pk])
        rows = cursor.fetchall()
    actions, decision = [], None
    for row in rows:
        decision, action, organisation, session = models_read_by_hand(row, models)
        if action is not None:
            keep_related(action, "owner_organisation", organisation)
            keep_related(action, "session", session)
            actions.append(action)
    if actions:
        prefetch_related_objects(actions, "factors__item")
    return actions, decision


def session_case_actions(*, session, case_ids: list[int]) -> dict[int, list[CorrectiveAction]]:
    """{case id: actions decided in this session for it}, in one query."""
    links = (
        CorrectiveAction.cases.through.objects.filter(
            case_id__in=case_ids, correctiveaction__session=session
        )
        .exclude(correctiveaction__status=ActionStatus.CANCELLED)
        .select_related("correctiveaction__owner_organisation")
        .order_by("correctiveaction__due_date", "correctiveaction_id")
    )
    found: dict[int, list[CorrectiveAction]] = {}
    for link in links:
        found.setdefault(link.case_id, []).append(link.correctiveaction)
    return found


def session_date(session):
    return timezone.localtime(session.starts_at).date()


# The session page and the minutes list the most overdue actions of the follow-up; the rest is
# counted and left to the actions dashboard (a committee with years of history may have
# thousands, which no one reads in session and which cost the page seconds).
FOLLOW_UP_SHOWN = 25
# A proposal not yet approved, or a cancelled action, has nothing to follow up.
NOT_FOLLOWED = (ActionStatus.PROPOSED, ActionStatus.CANCELLED)


# A part's bounds on the due date, as the ORM names them and as SQL writes them.
_DUE_DATE_BOUNDS = {"due_date__lt": "<", "due_date__lte": "<=", "due_date__gt": ">"}


def previous_session_start(*, session) -> datetime | None:
    """When the committee's previous session (not cancelled) began, or None. Written once in
    SQL that PostgreSQL and SQLite both read: the ORM spent more building this one-row query
    than the database spent answering it (tested equal to the ORM's reading)."""
    sql = (
        f"SELECT s.starts_at FROM {Session._meta.db_table} s"  # noqa: S608 (table from the model)
        " WHERE s.committee_id = %s AND s.starts_at < %s AND NOT s.status = %s"
        " ORDER BY s.starts_at DESC LIMIT 1"
    )
    params = [
        session.committee_id,
        connection.ops.adapt_datetimefield_value(session.starts_at),
        SessionStatus.CANCELLED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else moment_read_by_hand(row[0])


def _follow_up_ranges(*, session) -> tuple[list[tuple[str, dict]], str]:
    """The follow-up as disjoint parts, each a single range of one status in the (status, due
    date) index that also holds the session and the id: read in due-date order, a part yields
    its longest overdue actions without sorting the others (thousands for a committee with
    years of history). [(status, bounds on the due date)], with what they depend on (a key
    for their count).

    Running actions due before the session (or on its day, once there was a previous session),
    and finished ones that came due since the previous session."""
    day = session_date(session)
    previous = previous_session_start(session=session)
    running = [status for status in OPEN_STATUSES if status not in NOT_FOLLOWED]
    finished = [s for s in ActionStatus.values if s not in (*OPEN_STATUSES, *NOT_FOLLOWED)]
    if previous is None:
        ranges = [(running, {"due_date__lt": day})]
    else:
        since = timezone.localtime(previous).date()
        ranges = [
            (running, {"due_date__lte": day if since < day else day - timedelta(days=1)}),
            (finished, {"due_date__gt": since, "due_date__lte": day}),
        ]
    parts = [(status, bounds) for statuses, bounds in ranges for status in statuses]
    since_key = previous.isoformat() if previous else "-"
    return parts, f"{session.committee_id}:{session.starts_at.isoformat()}:{day}:{since_key}"


def _follow_up_querysets(*, session, ranges) -> list[QuerySet[CorrectiveAction]]:
    """The parts of `_follow_up_ranges` as querysets of the committee's earlier actions."""
    earlier = CorrectiveAction.objects.filter(
        session__committee_id=session.committee_id, session__starts_at__lt=session.starts_at
    ).order_by()
    return [earlier.filter(status=status, **bounds) for status, bounds in ranges]


def _follow_up_parts(*, session) -> tuple[list[QuerySet[CorrectiveAction]], str]:
    """The follow-up's parts as querysets, and their count's key (`_follow_up_ranges`)."""
    ranges, key = _follow_up_ranges(session=session)
    return _follow_up_querysets(session=session, ranges=ranges), key


def follow_up_of(*, session) -> QuerySet[CorrectiveAction]:
    """ "Suivi des actions" (derived, never stored): the actions the committee decided in
    earlier sessions that are overdue at this session's date, or came due since the previous
    session (HAS method)."""
    (first, *others), _key = _follow_up_parts(session=session)
    return first.union(*others, all=True) if others else first


@dataclass(frozen=True)
class FollowUpRow:
    """One line of the "Suivi des actions", its labels computed once (no per-row lookups)."""

    pk: int
    what_changes: str
    case_codes: str
    owner: str
    due_on: str
    status_label: str
    late: bool


def follow_up_count(*, parts: Callable[[], list[QuerySet[CorrectiveAction]]], key: str) -> int:
    """How many actions the follow-up holds: counting them reads every entry of their index
    ranges (tens of thousands for a large committee with years of history), so the figure, an
    aggregate that names nothing, is kept RMM_FOLLOW_UP_COUNT_CACHE_SECONDS. `parts` builds the
    parts' querysets, only when they are counted."""

    def count() -> int:
        first, *others = parts()
        actions = first.union(*others, all=True) if others else first
        return actions.values_list("pk").count()

    seconds = settings.RMM_FOLLOW_UP_COUNT_CACHE_SECONDS
    if seconds <= 0:
        return count()
    # `key`: the committee, this session's date and the previous one's.
    key = f"actions:follow-up-count:{key}"
    total = cache.get(key)
    if total is None:
        total = count()
        cache.set(key, total, seconds)
    return total


def _follow_up_first_rows_sql(*, session, ranges, limit: int) -> list[tuple]:
    """PostgreSQL: the first `limit` actions of the parts, with their cases' codes, in one
    statement written once (the ORM spent ~3 ms of the session page building and compiling
    four parts, their union and the codes' query). The same rows as `_follow_up_first_rows_orm`
    (tested): each part a range of the (status, due date) index, cut at `limit` rows."""
    action = CorrectiveAction._meta.db_table
    links = CorrectiveAction.cases.through._meta.db_table
    session_table = Session._meta.db_table
    organisation = CorrectiveAction._meta.get_field("owner_organisation").related_model
    case = CorrectiveAction._meta.get_field("cases").related_model
    part_sql, params = [], []
    for status, bounds in ranges:
        due = "".join(f" AND a.due_date {_DUE_DATE_BOUNDS[name]} %s" for name in bounds)
        part_sql.append(
            "(SELECT a.id, a.due_date, a.what_changes, a.owner_function, o.name, a.status"  # noqa: S608 (table names from the models, values as parameters)
            f" FROM {action} a INNER JOIN {session_table} s ON a.session_id = s.id"
            f" INNER JOIN {organisation._meta.db_table} o ON a.owner_organisation_id = o.id"
            f" WHERE s.committee_id = %s AND s.starts_at < %s AND a.status = %s{due}"
            " ORDER BY a.due_date, a.id LIMIT %s)"
        )
        params += [session.committee_id, session.starts_at, status, *bounds.values(), limit]
    sql = (
        "SELECT f.*, (SELECT string_agg(c.code, ', ' ORDER BY c.code)"  # noqa: S608 (as above)
        f" FROM {links} l INNER JOIN {case._meta.db_table} c ON l.case_id = c.id"
        " WHERE l.correctiveaction_id = f.id)"
        f" FROM ({' UNION ALL '.join(part_sql)}) AS f ORDER BY f.due_date, f.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return cursor.fetchall()


def _follow_up_first_rows_orm(*, session, ranges, limit: int) -> list[tuple]:
    """The first `limit` actions of the parts, with their cases' codes: two queries through
    the ORM (any database)."""
    found = first_rows_of_parts(
        [
            part.values_list(
                "pk",
                "due_date",
                "what_changes",
                "owner_function",
                "owner_organisation__name",
                "status",
            )
            for part in _follow_up_querysets(session=session, ranges=ranges)
        ],
        order=("due_date", "pk"),
        limit=limit,
    )
    if not found:
        return []
    codes: dict[int, list[str]] = {}
    links = (
        CorrectiveAction.cases.through.objects.filter(
            correctiveaction_id__in=[row[0] for row in found]
        )
        .order_by("case__code")
        .values_list("correctiveaction_id", "case__code")
    )
    for action_id, code in links:
        codes.setdefault(action_id, []).append(code)
    return [(*row, ", ".join(codes[row[0]]) if row[0] in codes else None) for row in found]


def follow_up_rows(*, session, limit: int) -> tuple[list[FollowUpRow], int]:
    """The `limit` longest overdue actions of the follow-up and how many there are in all, in
    three queries whatever their number (two when the count is kept; one more on a database
    other than PostgreSQL). Each part gives its first `limit` actions in index order and the
    union keeps the first `limit` of those, with the columns shown: only these rows are read
    from the table."""
    day = session_date(session)
    ranges, key = _follow_up_ranges(session=session)
    first_rows = (
        _follow_up_first_rows_sql
        if connection.vendor == "postgresql"
        else _follow_up_first_rows_orm
    )
    found = first_rows(session=session, ranges=ranges, limit=limit)
    if not found:
        return [], 0
    total = follow_up_count(
        parts=lambda: _follow_up_querysets(session=session, ranges=ranges), key=key
    )
    statuses = {value: str(label) for value, label in ActionStatus.choices}
    rows = [
        FollowUpRow(
            pk=pk,
            what_changes=what_changes,
            case_codes=codes or "",
            owner=f"{owner_function} ({organisation})",
            due_on=due_date.strftime("%d/%m/%Y"),
            status_label=statuses.get(status, status),
            late=status in OPEN_STATUSES and due_date < day,
        )
        for pk, due_date, what_changes, owner_function, organisation, status, codes in found
    ]
    # The cache may keep a total a minute old: never fewer than the rows shown.
    return rows, max(total, len(rows))


def follow_up_rows_html(rows: list[FollowUpRow]) -> str:
    """The follow-up table's rows, written once here with every text escaped: the template's
    six lookups and a condition per row were most of the section's rendering. The same markup
    as the loop it replaces (`_follow_up.html`), tested."""
    late = f" — <strong>{escape(_('en retard'))}</strong>"
    return mark_safe(  # noqa: S308 (every text escaped here)
        "".join(
            f"\n    <tr><td>A{row.pk} — {escape(row.what_changes)}</td>"
            f"<td>{escape(row.case_codes)}</td><td>{escape(row.owner)}</td>"
            f"<td>{escape(row.due_on)}</td>"
            f"<td>{escape(row.status_label)}{late if row.late else ''}</td></tr>\n  "
            for row in rows
        )
    )


# --- What the actions add to the committees pages (registered in apps.py) ------------------
def minutes_case_actions(session, case_ids) -> dict[int, str]:
    """Under each reviewed case of the minutes: its actions (function, never a name)."""
    return {
        case_id: render_to_string("actions/proposal/_minutes_actions.html", {"actions": actions})
        for case_id, actions in session_case_actions(session=session, case_ids=case_ids).items()
    }


def follow_up_html(*, rows: list[FollowUpRow], total: int, reference_date, dashboard_url) -> str:
    """The follow-up section's HTML, written here once (a template rendered apart cost the
    session page its own context and a dozen translation tags): the same markup as the former
    `_follow_up.html` (tested), every value escaped, our own translated texts as the template
    wrote them."""
    intro = _(
        "Actions décidées lors de séances précédentes, en retard au %(date)s ou arrivées à "
        "échéance depuis la séance précédente."
    ) % {"date": reference_date.strftime("%d/%m/%Y")}
    html = f'<p class="small">{intro}</p>\n'
    if not rows:
        none = _("Aucune action en retard ni arrivée à échéance depuis la séance précédente.")
        return mark_safe(f"{html}<p>{none}</p>\n")  # noqa: S308 (our own text)
    headings = "".join(
        f'<th scope="col">{heading}</th>'
        for heading in (
            _("Action"),
            _("Cas"),
            _("Responsable (fonction)"),
            _("Échéance"),
            _("Statut"),
        )
    )
    html += (
        '\n<table class="table table-sm" id="action-follow-up">\n'
        f"  <thead><tr>{headings}</tr></thead>\n"
        f"  <tbody>{follow_up_rows_html(rows)}</tbody>\n</table>\n"
    )
    if more := total - len(rows):
        count = ngettext(
            "%(total)s actions au suivi : une n'est pas affichée ci-dessus (les plus anciennes "
            "d'abord).",
            "%(total)s actions au suivi : %(more)s ne sont pas affichées ci-dessus (les plus "
            "anciennes d'abord).",
            more,
        ) % {"total": total, "more": more}
        link = _("Actions en retard du comité dans le tableau de bord des actions")
        note = _("(référents RMM et responsables qualité).")
        html += (
            f'<p class="small" id="action-follow-up-more">{count}'
            f' <a href="{escape(dashboard_url)}">{link}</a> {note}</p>'
        )
    return mark_safe(f"{html}\n\n")  # noqa: S308 (values escaped, our own text)


def follow_up_section(session) -> tuple[str, str]:
    """The "Suivi des actions" section of the session page and the minutes: the longest overdue
    actions, and how many more the actions dashboard lists."""
    rows, total = follow_up_rows(session=session, limit=FOLLOW_UP_SHOWN)
    dashboard = reverse("actions:dashboard")
    html = follow_up_html(
        rows=rows,
        total=total,
        reference_date=session_date(session),
        dashboard_url=f"{dashboard}?committee={session.committee_id}&overdue=on",
    )
    return _("Suivi des actions"), html


def review_panel(request, session, case, review) -> tuple[str, str] | None:
    """The case's actions on the review screen; the chair and secretary propose, approve, or
    record why no action is needed, once the review is recorded."""
    planner = can_plan_session(request.user, session)
    actions, decision = case_actions_and_decision(case=case)
    for action in actions:
        # The engine says who may approve (the proposing committee's chair and secretary).
        action.may_approve = action.status == ActionStatus.PROPOSED and any(
            transition.name == "approve"
            for transition in workflow.available_transitions(action, request.user)
        )
    may_plan = planner and review is not None and case.status != CaseStatus.CLOSED
    # Only the chair and secretary, once the review is recorded, see the adoption: nobody else
    # pays for the case's transition guards.
    adoption = _adoption(case, request.user) if planner and review is not None else None
    html = review_panel_html(
        session=session,
        case=case,
        actions=actions,
        decision=decision,
        may_plan=may_plan,
        # No action needed: an alternative to the plan, once reviewed and while no live action
        # answers the case (the service says the same).
        may_waive=may_plan
        and decision is None
        and case.status == CaseStatus.REVIEWED
        and all(action.status == ActionStatus.CANCELLED for action in actions),
        adoption=adoption,
        # Its forms' token, without rendering a template with the request (which runs every
        # context processor again for one panel).
        csrf_input=csrf_input(request),
    )
    return _("Plan d'actions"), html


def review_panel_html(
    *, session, case, actions, decision, may_plan, may_waive, adoption, csrf_input: str
) -> str:
    """The review screen's "Plan d'actions" panel, written here with every text escaped: the
    same markup as its former template (tested with it, French and English), which cost the
    review screen a template and its context for a few rows."""
    html = ['<div id="action-plan">\n']
    if actions:
        today = timezone.localdate()
        late = escape(_("en retard"))
        factors_label = escape(_("Facteurs :"))
        approve = escape(_("Approuver"))
        head = "".join(
            f'<th scope="col">{escape(title)}</th>'
            for title in (
                _("Action"),
                _("Type"),
                _("Responsable (fonction)"),
                _("Échéance"),
                _("Statut"),
            )
        )
        html.append(
            f'\n<table class="table table-sm">\n  <thead><tr>{head}</tr></thead>\n  <tbody>'
        )
        for action in actions:
            factors = action.factors.all()
            codes = ", ".join(escape(factor.item.code) for factor in factors)
            factors_html = (
                f'<div class="small text-body-secondary">{factors_label} {codes}</div>'
                if factors
                else ""
            )
            overdue = (
                f' <span class="badge text-bg-danger">{late}</span>'
                if action.is_overdue_on(today)
                else ""
            )
            approval = (
                "\n        "
                f'<form method="post" action="'
                f'{escape(reverse("actions:approve", args=[session.pk, case.pk, action.pk]))}"'
                f' class="d-inline">{csrf_input}<button class="btn btn-sm btn-success">'
                f"{approve}</button></form>"
                if action.may_approve
                else ""
            )
            html.append(
                "\n    <tr>\n"
                f"      <td>A{action.pk} — {escape(action.what_changes)}{factors_html}</td>\n"
                f"      <td>{escape(action.get_barrier_display())} /"
                f" {escape(action.get_nature_display())}</td>\n"
                f"      <td>{escape(action.owner_function)}"
                f" ({escape(action.owner_organisation.name)})</td>\n"
                f"      <td>{action.due_date.strftime('%d/%m/%Y')}{overdue}</td>\n"
                f"      <td>{escape(action.get_status_display())}{approval}</td>\n"
                "    </tr>\n  "
            )
        html.append("</tbody>\n</table>\n\n")
    else:
        html.append(
            f'<p class="text-body-secondary">{escape(_("Aucune action corrective pour ce cas."))}'
            "</p>\n"
        )
    if decision is not None:
        html.append(
            f"<p>{escape(_('Aucune action corrective nécessaire :'))} {escape(decision.reason)}</p>"
        )
    html.append("\n")
    if may_plan:
        url = reverse("actions:propose", args=[session.pk, case.pk])
        html.append(
            f'\n<p><a class="btn btn-primary btn-sm" href="{escape(url)}">'
            f"{escape(_('Proposer une action'))}</a></p>\n"
        )
    html.append("\n")
    if may_waive:
        url = reverse("actions:no_action", args=[session.pk, case.pk])
        label = NoActionForm.base_fields["reason"].label
        html.append(
            f'\n<form method="post" action="{escape(url)}" class="col-lg-8">{csrf_input}\n'
            f'  <label class="form-label" for="no-action-reason">{escape(label)}</label>\n'
            '  <textarea class="form-control mb-2" name="reason" id="no-action-reason"'
            ' rows="2"></textarea>\n'
            '  <button class="btn btn-outline-secondary btn-sm">'
            f"{escape(_('Enregistrer : aucune action nécessaire'))}</button>\n"
            "</form>\n"
        )
    html.append("\n")
    if adoption:
        url = reverse("actions:adopt_plan", args=[session.pk, case.pk])
        reasons = (
            '\n  <ul class="small text-danger mt-1 mb-0">'
            + "".join(f"<li>{escape(reason)}</li>" for reason in adoption.blocking_reasons)
            + "</ul>\n  "
            if adoption.blocking_reasons
            else ""
        )
        html.append(
            f'\n<form method="post" action="{escape(url)}" class="mt-3 col-lg-8"'
            f' id="adopt-plan">{csrf_input}\n'
            '  <input type="hidden" name="expected_status"'
            f' value="{escape(case.status)}">\n'
            '  <label class="form-label" for="adopt-comment">'
            f"{escape(_('Commentaire (facultatif)'))}</label>\n"
            '  <textarea class="form-control mb-2" name="comment" id="adopt-comment"'
            ' rows="2"></textarea>\n'
            f'  <button class="btn btn-success btn-sm">{escape(adoption.label)}</button>\n'
            f"  {reasons}\n"
            "</form>\n"
        )
    html.append("\n</div>\n")
    return mark_safe("".join(html))  # noqa: S308 (every text escaped above)


def _adoption(case, user) -> workflow.AvailableTransition | None:
    """The adoption button as the engine would list it, its own permission and guards alone
    evaluated (the case's other transitions, and their guards, are not this panel's)."""
    for transition in state_field(type(case)).get_all_transitions(type(case)):
        if transition.name != ADOPT or transition.source not in (case.status, "*"):
            continue
        if not transition.has_perm(case, user):
            return None
        meta = transition.custom["meta"]
        return workflow.AvailableTransition(
            name=transition.name,
            label=str(meta.label),
            target=transition.target,
            needs_reason=meta.reason_required,
            is_setback=meta.setback,
            blocking_reasons=workflow.refusal_reasons(case, ADOPT),
        )
    return None


# --- Pages -----------------------------------------------------------------------------------
class PlanningMixin(LoginRequiredMixin):
    """The chair or secretary of the session, for a case on its agenda whose review is
    recorded in it; 404 for anyone else (never a 403 that confirms it exists)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.session = get_object_or_404(
            sessions_visible_to(request.user).select_related("committee"), pk=kwargs["session_pk"]
        )
        if not can_plan_session(request.user, self.session):
            raise Http404
        item = get_object_or_404(
            self.session.agenda.select_related("case__organisation"), case_id=kwargs["case_pk"]
        )
        self.case = item.case
        if not can_review_case_in_session(request.user, self.session, self.case):
            raise Http404
        self.review = self.session.reviews.filter(case=self.case).first()
        if self.review is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def review_url(self) -> str:
        return reverse("committees:review", args=[self.session.pk, self.case.pk])


class ProposeView(PlanningMixin, View):
    def render(self, form, status=200):
        return render(
            self.request,
            "actions/proposal/propose.html",
            {"session": self.session, "case": self.case, "form": form},
            status=status,
        )

    def get(self, request, session_pk, case_pk):
        return self.render(ActionProposalForm(session=self.session, case=self.case))

    def post(self, request, session_pk, case_pk):
        form = ActionProposalForm(request.POST, session=self.session, case=self.case)
        if not form.is_valid():
            messages.error(request, refusal_message(form))
            return self.render(form, status=400)
        cases = [self.case, *form.cleaned_data["extra_cases"]]
        try:
            action = action_propose(
                session=self.session,
                cases=cases,
                by=request.user,
                fields=form.action_fields(),
                factors=list(form.cleaned_data["factors"]),
            )
        except UserError as error:
            messages.error(request, error.message)
            return self.render(form, status=400)
        messages.success(
            request,
            _("Action A%(pk)s proposée : approuvez-la pour l'inscrire au plan d'actions.")
            % {"pk": action.pk},
        )
        return redirect(self.review_url())


class ApproveView(PlanningMixin, View):
    def post(self, request, session_pk, case_pk, action_pk):
        action = get_object_or_404(CorrectiveAction.objects.filter(cases=self.case), pk=action_pk)
        try:
            action_transition(
                action_id=action.pk,
                name="approve",
                by=request.user,
                expected_status=ActionStatus.PROPOSED,
            )
        except UserError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Action A%(pk)s approuvée.") % {"pk": action.pk})
        return redirect(self.review_url())


class NoActionView(PlanningMixin, View):
    def post(self, request, session_pk, case_pk):
        form = NoActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, refusal_message(form))
            return redirect(self.review_url())
        try:
            no_action_decide(
                case=self.case,
                session=self.session,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except UserError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Motif enregistré : aucune action corrective n'est nécessaire pour %(code)s.")
                % {"code": self.case.code},
            )
        return redirect(self.review_url())


class AdoptPlanView(PlanningMixin, View):
    """Adopting the case's action plan from the review screen, where the plan was just built:
    the case's own transition, through the engine (its guards say what is missing)."""

    def post(self, request, session_pk, case_pk):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, refusal_message(form))
            return redirect(self.review_url())
        try:
            case = case_transition(
                case_id=self.case.pk,
                name=ADOPT,
                by=request.user,
                expected_status=form.cleaned_data["expected_status"],
                comment=form.cleaned_data["comment"],
            )
        except UserError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Plan d'actions adopté : le cas %(code)s passe au suivi des actions.")
                % {"code": case.code},
            )
        return redirect(self.review_url())


urlpatterns = [
    path(
        "proposer/<int:session_pk>/<int:case_pk>/",
        ProposeView.as_view(),
        name="propose",
    ),
    path(
        "proposer/<int:session_pk>/<int:case_pk>/approuver/<int:action_pk>/",
        ApproveView.as_view(),
        name="approve",
    ),
    path(
        "proposer/<int:session_pk>/<int:case_pk>/aucune-action/",
        NoActionView.as_view(),
        name="no_action",
    ),
    path(
        "proposer/<int:session_pk>/<int:case_pk>/adopter/",
        AdoptPlanView.as_view(),
        name="adopt_plan",
    ),
]
