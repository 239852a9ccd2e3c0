"""Reads of the committees app, scoped to the user, with bounded query counts."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import covered_for, with_covered_organisations
from cases.clinical import CaseKind
from cases.models import Case
from cases.status import CaseStatus
from rmm.querysets import (
    KeyedQuery,
    ReadByKey,
    first_rows_of_parts,
)

from . import minutes_sections
from .conditions import agenda_is_open, awaiting_re_review_sql, cases_awaiting_re_review
from .models import (
    AgendaItem,
    Attendance,
    CaseReview,
    CommitteeMember,
    CommitteeRole,
    Session,
    SessionGuest,
    SessionTransition,
)
from .parents_letter import minutes_line as parents_minutes_line
from .permissions import sessions_visible_to

PRESENT, EXCUSED, ABSENT = (
    Attendance.Status.PRESENT,
    Attendance.Status.EXCUSED,
    Attendance.Status.ABSENT,
)


# The session with its committee by its key, compiled once per process (the ORM spent 0.7 ms
# of every session page building it).
SESSION_BY_KEY = ReadByKey(Session, "committee")


def session_with_committee(*, pk: int) -> Session | None:
    """The session with its committee, by its key, or None. Whether the user may see it is the
    views' question (`can_view_session`)."""
    return SESSION_BY_KEY.get(pk)


def session_list_for(*, user) -> QuerySet[Session]:
    return (
        sessions_visible_to(user)
        .select_related("committee")
        .annotate(case_count=Count("agenda", distinct=True))
        .order_by("-starts_at", "-pk")
    )


def agenda_of(*, session: Session) -> list[AgendaItem]:
    return list(session.agenda.select_related("case", "presenter").order_by("position", "pk"))


# The session page shows the agenda by pages: a usual agenda (5 to 15 cases) fits on one, and a
# very large one costs the page no more than this many rows with their forms.
AGENDA_PAGE_SIZE = 20


@dataclass(frozen=True)
class AgendaRow:
    """One case of the agenda on the session page: its labels and links computed once."""

    pk: int
    number: int  # its rank in the whole agenda
    case_id: int
    code: str
    kind_label: str
    status_label: str
    presenter_id: int | None
    presenter_name: str
    review_url: str
    move_url: str
    presenter_url: str
    remove_url: str
    guests_url: str  # invited professionals of this case (chair and secretary)
    presenter_options: str  # the <option>s of the presenter's select, this one selected
    reviewed: bool
    # The row's accessible labels, translated here rather than by a block tag per row.
    up_label: str
    down_label: str
    presenter_label: str
    for_case_label: str


@dataclass(frozen=True)
class AgendaPage:
    rows: list[AgendaRow]
    number: int
    total: int
    first_position: int  # the number of the page's first case in the whole agenda
    has_previous: bool
    has_next: bool


def options_html(choices, selected=None) -> str:
    """The <option>s of a select of (value, label) pairs, built once for the whole list."""
    return options_builder(choices)(selected)


def options_builder(choices) -> Callable[[object], str]:
    """The <option>s of a select for any selected value: each value and label escaped once,
    not once per select (a page of agenda rows each with the members' select, or hundreds of
    candidate cases, spent more in `format_html` than in its SQL)."""
    options = [
        (
            value,
            f'<option value="{conditional_escape(value)}"',
            f">{conditional_escape(label)}</option>",
        )
        for value, label in choices
    ]

    def build(selected=None) -> str:
        return mark_safe(  # noqa: S308 (every value and label escaped above)
            "".join(
                f"{start} selected{end}" if value == selected else f"{start}{end}"
                for value, start, end in options
            )
        )

    return build


def _agenda_page_rows(*, session: Session, offset: int, limit: int) -> list[tuple]:
    """(id, case id, code, kind, status, presenter id, presenter's name, reviewed, agenda
    size) of one page of the agenda, in agenda order. A statement written once, in SQL that
    PostgreSQL and SQLite both read: the ORM spent ~1.5 ms of the session page building and
    compiling it (a window and an EXISTS) for ten rows (tested equal to the ORM's reading)."""
    agenda = AgendaItem._meta.db_table
    sql = (
        "SELECT i.id, i.case_id, c.code, c.kind, c.status, i.presenter_id, u.full_name,"  # noqa: S608 (tables from the models)
        f" EXISTS (SELECT 1 FROM {CaseReview._meta.db_table} r"
        " WHERE r.case_id = i.case_id AND r.session_id = %s), COUNT(i.id) OVER ()"
        f" FROM {agenda} i INNER JOIN {Case._meta.db_table} c ON i.case_id = c.id"
        f" LEFT OUTER JOIN {User._meta.db_table} u ON i.presenter_id = u.id"
        " WHERE i.session_id = %s ORDER BY i.position, i.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [session.pk, session.pk, limit, offset])
        return [(*row[:7], bool(row[7]), row[8]) for row in cursor.fetchall()]


def agenda_page(*, session: Session, number: int = 1, members=()) -> AgendaPage:
    """One page of the agenda, in agenda order, with whether each case's review is recorded:
    one query whatever the agenda's length (the total and the reviews ride on the rows'
    query). `members`: (user id, name) of the committee's active members, offered as
    presenters. The agenda's size is kept on the session for its guards."""
    number = max(number, 1)
    offset = (number - 1) * AGENDA_PAGE_SIZE
    items = _agenda_page_rows(session=session, offset=offset, limit=AGENDA_PAGE_SIZE)
    if not items and number > 1:  # a page past the end (a case was removed): the first one
        return agenda_page(session=session, number=1, members=members)
    total = items[0][-1] if items else 0
    if items or number == 1:
        session.agenda_size = total  # read by the `agenda_not_empty` guard of this request
    kinds = {value: str(label) for value, label in CaseKind.choices}
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    placeholder = 987654321

    def link(name):  # one `reverse` for every row (PITFALLS: {% url %} per row)
        pattern = reverse(name, args=[session.pk, placeholder])
        return lambda pk: pattern.replace(str(placeholder), str(pk))

    review_url, move_url = link("committees:review"), link("committees:agenda_move")
    presenter_url = link("committees:agenda_presenter")
    remove_url = link("committees:agenda_remove")
    guests_url = link("committees:guests")
    presenter_options = options_builder(members)
    # The rows' accessible labels, each translated once for the page (a `gettext` per row and
    # label cost the page more than its query).
    up, down = _("Monter %(code)s"), _("Descendre %(code)s")
    presenter_label, for_case = _("Présentateur du cas %(code)s"), _("pour le cas %(code)s")
    rows = [
        AgendaRow(
            pk=pk,
            number=offset + index,
            case_id=case_id,
            code=code,
            kind_label=kinds.get(kind, kind),
            status_label=statuses.get(status, status),
            presenter_id=presenter_id,
            presenter_name=presenter_name or "",
            review_url=review_url(case_id),
            move_url=move_url(pk),
            presenter_url=presenter_url(pk),
            remove_url=remove_url(pk),
            guests_url=guests_url(pk),
            presenter_options=presenter_options(presenter_id),
            reviewed=reviewed,
            up_label=up % {"code": code},
            down_label=down % {"code": code},
            presenter_label=presenter_label % {"code": code},
            for_case_label=for_case % {"code": code},
        )
        for index, (
            pk,
            case_id,
            code,
            kind,
            status,
            presenter_id,
            presenter_name,
            reviewed,
            _total,
        ) in enumerate(items, start=1)
    ]
    return AgendaPage(
        rows=rows,
        number=number,
        total=total,
        first_position=offset + 1,
        has_previous=number > 1,
        has_next=offset + len(rows) < total,
    )


def agenda_rows_html(
    rows: list[AgendaRow],
    *,
    planner: bool,
    agenda_open: bool,
    csrf_input: str,
    held: bool = False,
) -> str:
    """The agenda's rows on the session page, written once here with every text escaped: two
    dozen lookups, conditions and translations per row in the template were a fifth of the
    page. The same markup as the template's former loop (tested); `csrf_input` is the token's
    hidden input built once for the three forms of every row."""
    reviewed_badge = (
        f'<span class="badge text-bg-success">{escape(_("Conclusions enregistrées"))}</span>'
    )
    presenter_heading = escape(_("Présentateur :"))
    invite = escape(_("Inviter un professionnel"))
    designate = escape(_("Désigner"))
    remove_confirm = escape(_("Retirer ce cas de l’ordre du jour ?"))
    remove_label = escape(_("Retirer (reporter)"))
    html = []
    for row in rows:
        # A held session's case that was not reviewed is postponed (the minutes cannot be
        # validated with it on the agenda): its remove form alone.
        remove_only = (
            '\n        <div class="d-flex gap-1 align-items-center flex-wrap">\n'
            f'          <form method="post" action="{escape(row.remove_url)}">{csrf_input}\n'
            '            <button class="btn btn-sm btn-outline-danger"'
            f' data-confirm="{remove_confirm}">{remove_label}</button>\n'
            "          </form>\n"
            "        </div>\n        "
            if planner and held and not row.reviewed
            else ""
        )
        guests = (
            f'<div class="small"><a href="{escape(row.guests_url)}">{invite}'
            f'<span class="visually-hidden"> {escape(row.for_case_label)}</span></a></div>'
            if planner
            else ""
        )
        forms = (
            '\n        <div class="d-flex gap-1 align-items-center flex-wrap">\n'
            f'          <form method="post" action="{escape(row.move_url)}"'
            f' class="d-flex gap-1">{csrf_input}\n'
            '            <button class="btn btn-sm btn-outline-secondary" name="direction"'
            f' value="up" aria-label="{escape(row.up_label)}">↑</button>\n'
            '            <button class="btn btn-sm btn-outline-secondary" name="direction"'
            f' value="down" aria-label="{escape(row.down_label)}">↓</button>\n'
            "          </form>\n"
            f'          <form method="post" action="{escape(row.presenter_url)}"'
            f' class="d-flex gap-1 align-items-center">{csrf_input}\n'
            f'            <label class="visually-hidden" for="presenter-{row.pk}">'
            f"{escape(row.presenter_label)}</label>\n"
            '            <select class="form-select form-select-sm w-auto" name="presenter"'
            f' id="presenter-{row.pk}">\n'
            f'              <option value="">—</option>{row.presenter_options}\n'
            "            </select>\n"
            f'            <button class="btn btn-sm btn-outline-primary">{designate}</button>\n'
            "          </form>\n"
            f'          <form method="post" action="{escape(row.remove_url)}">{csrf_input}\n'
            '            <button class="btn btn-sm btn-outline-danger"'
            f' data-confirm="{remove_confirm}">{remove_label}</button>\n'
            "          </form>\n"
            "        </div>\n        "
            if planner and agenda_open and not row.reviewed
            else remove_only
        )
        html.append(
            '\n    <li class="list-group-item">\n'
            '      <div class="d-flex justify-content-between flex-wrap gap-2">\n'
            "        <div>\n"
            f'          <span class="text-body-secondary">{row.number}.</span>'
            f' <a href="{escape(row.review_url)}" class="fw-semibold">{escape(row.code)}</a>\n'
            f'          <span class="small">{escape(row.kind_label)} ·'
            f" {escape(row.status_label)}</span>\n"
            f"          {reviewed_badge if row.reviewed else ''}\n"
            f'          <div class="small text-body-secondary">{presenter_heading}'
            f" {escape(row.presenter_name or '—')}</div>\n"
            f"          {guests}\n"
            "        </div>\n"
            f"        {forms}\n"
            "      </div>\n"
            "    </li>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 (every text escaped above)


def _covered_organisations(*, session: Session, user=None) -> set[int] | frozenset[int]:
    """The organisations whose cases this session's committee takes (its territory)."""
    organisations = {session.committee.organisation_id}
    return (
        covered_for(user, organisations)
        if user is not None
        else with_covered_organisations(organisations)
    )


def _candidate_sets(*, session: Session, user=None) -> tuple[set[int], QuerySet[Case]]:
    """(organisations whose ready cases this session may take, reopened cases it may take)."""
    covered = _covered_organisations(session=session, user=user)
    # Reopened cases: the committee's reviewed cases (an index holds them by organisation and
    # status) with a `reopen` transition (a partial index holds the few) not answered since.
    reopened = cases_awaiting_re_review(Case.objects.filter(organisation_id__in=covered))
    return covered, reopened


def agenda_candidates(*, session: Session, user=None) -> QuerySet[Case]:
    """Cases this session may take: ready cases the committee covers, and those the chair
    reopened since their latest review. None once the agenda is closed. With `user`, the
    committee's territory comes from what the request already descended for their seats."""
    if not agenda_is_open(session):
        return Case.objects.none()
    covered, reopened = _candidate_sets(session=session, user=user)
    reopened = list(reopened.values_list("pk", flat=True))
    return (
        Case.objects.filter(
            Q(organisation_id__in=covered, status=CaseStatus.READY) | Q(pk__in=reopened)
        )
        .exclude(agenda_items__session=session)
        .order_by("ready_at", "pk")
    )


# The session page offers the cases waiting longest (a network has thousands of ready cases,
# which no select can show); any other is found by its code.
AGENDA_CANDIDATES_SHOWN = 50
CANDIDATE_SEARCH_MAX_LENGTH = 40


def agenda_candidate_choices(
    *, session: Session, user=None, code: str = "", limit: int | None = None
) -> list[tuple[int, str]]:
    """(id, "code — kind") of the `limit` candidates waiting longest (`agenda_candidates`, in
    its order), those whose code contains `code` when given, for the session page's select.
    Ready and reopened cases are read apart, each in `ready_at` order (the ready ones from a
    partial index of ready cases), and merged: never all the network's ready cases sorted."""
    if not agenda_is_open(session):
        return []
    limit = AGENDA_CANDIDATES_SHOWN if limit is None else limit
    code = code.strip()[:CANDIDATE_SEARCH_MAX_LENGTH]
    read = _candidate_rows_sql if connection.vendor == "postgresql" else _candidate_rows_orm
    rows = read(session=session, user=user, code=code, limit=limit)
    kinds = {value: str(label) for value, label in CaseKind.choices}
    return [(pk, f"{code} — {kinds.get(kind, kind)}") for pk, code, kind, _ready_at in rows]


def _candidate_rows_orm(*, session: Session, user, code: str, limit: int) -> list[tuple]:
    """(id, code, kind, ready_at) of the first `limit` candidates, through the ORM."""
    covered, reopened = _candidate_sets(session=session, user=user)
    # Both in one query: the reopened cases (a few, from their transitions' partial index)
    # as the second part of the union.
    parts = [Case.objects.filter(organisation_id__in=covered, status=CaseStatus.READY), reopened]
    return first_rows_of_parts(
        [
            (part.filter(code__icontains=code) if code else part)
            .exclude(agenda_items__session=session)
            .values_list("pk", "code", "kind", "ready_at")
            for part in parts
        ],
        order=("ready_at", "pk"),
        limit=limit,
    )


def _candidate_rows_sql(*, session: Session, user, code: str, limit: int) -> list[tuple]:
    """PostgreSQL: `_candidate_rows_orm`'s statement written once (building and compiling it,
    with the re-review rule's EXISTS, cost the session page ~3 ms; tested to give the same
    rows), the re-review rule from `conditions.awaiting_re_review_sql`."""
    covered = sorted(_covered_organisations(session=session, user=user))
    reopened, reopened_params = awaiting_re_review_sql("c")
    search, search_params = "", []
    if code:  # what `code__icontains` writes
        search = " AND UPPER(c.code::text) LIKE UPPER(%s)"
        search_params = [f"%{connection.ops.prep_for_like_query(code)}%"]
    in_covered = ", ".join(["%s"] * len(covered))
    part = (
        "(SELECT c.id, c.code, c.kind, c.ready_at"  # noqa: S608 (tables from the models)
        f" FROM {Case._meta.db_table} c WHERE c.organisation_id IN ({in_covered}) AND {{}}"
        f"{search} AND NOT EXISTS (SELECT 1 FROM {AgendaItem._meta.db_table} i"
        " WHERE i.session_id = %s AND i.case_id = c.id) ORDER BY c.ready_at, c.id LIMIT %s)"
    )
    sql = f"{part.format('c.status = %s')} UNION ALL {part.format(reopened)} ORDER BY 4, 1 LIMIT %s"
    params = [
        *covered,
        CaseStatus.READY,
        *search_params,
        session.pk,
        limit,
        *covered,
        *reopened_params,
        *search_params,
        session.pk,
        limit,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def earlier_reviews(*, case, session: Session) -> list[CaseReview]:
    """The case's reviews in other sessions (before a reopening), for the review screen."""
    return reviews_of_case(case=case, session=session)[1]


AGENDA_ITEM_FOR_REVIEW = KeyedQuery(
    lambda session_key, case_key: AgendaItem.objects.select_related(
        "session__committee", "case__organisation", "case__parents_contact"
    ).filter(session_id=session_key, case_id=case_key),
    keys=2,
)


def agenda_item_for_review(*, session_pk: int, case_pk: int) -> AgendaItem | None:
    """The case's row on the session's agenda with its session and committee, the case, its
    organisation and its parents' contact, or None when the case is not on that agenda (a
    statement compiled once: the ORM spent ~1.3 ms of the review screen building it, the case
    having some 130 columns). Whether the user may see it is the view's question."""
    found = AGENDA_ITEM_FOR_REVIEW.rows(session_pk, case_pk)
    return found[0] if found else None


REVIEWS_OF_CASE = KeyedQuery(
    lambda key: CaseReview.objects.filter(case_id=key).select_related(
        "session", "icd_pm_group", "maternal_condition"
    )
)


def reviews_of_case(*, case, session: Session) -> tuple[CaseReview | None, list[CaseReview]]:
    """(the case's review in this session or None, its reviews in other sessions, latest
    first): one query for both (compiled once: the ORM spent ~1 ms of the review screen
    building it), plus the links of this session's review (delays, breaks, factors) when
    there is one."""
    existing, earlier = None, []
    for review in REVIEWS_OF_CASE.rows(case.pk):
        if review.session_id == session.pk:
            existing = review
        else:
            earlier.append(review)
    if existing is not None:
        prefetch_related_objects([existing], "delays", "pathway_breaks", "factors")
    return existing, earlier


@dataclass(frozen=True)
class AttendanceRow:
    """One active member on the session page: labels and the status select built once."""

    member_id: int
    user_id: int
    name: str
    role_label: str
    status: str
    status_label: str
    select_label: str  # "Présence de <name> (<role>)[, specialty]", for the hidden label
    status_options: str  # the <option>s of the status select, this one selected


def _attendance_members(*, session: Session) -> list[tuple]:
    """(member id, user id, name, role, specialty, active, status at the session or None) of
    the committee's active members and of those whose presence was recorded, in the members'
    order (role, name). A statement written once, in SQL that PostgreSQL and SQLite both read
    (the ORM spent ~1 ms of the session page building and compiling it; tested equal to the
    ORM's reading)."""
    recorded = (
        f"(SELECT a.status FROM {Attendance._meta.db_table} a"  # noqa: S608 (tables from the models)
        " WHERE a.member_id = m.id AND a.session_id = %s)"
    )
    sql = (
        f"SELECT m.id, m.user_id, u.full_name, m.role, m.specialty, m.is_active, {recorded}"  # noqa: S608 (as above)
        f" FROM {CommitteeMember._meta.db_table} m"
        f" INNER JOIN {User._meta.db_table} u ON m.user_id = u.id"
        f" WHERE m.committee_id = %s AND (m.is_active OR {recorded} IS NOT NULL)"
        " ORDER BY m.role, u.full_name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [session.pk, session.committee_id, session.pk])
        return [(*row[:5], bool(row[5]), row[6]) for row in cursor.fetchall()]


def session_attendance(*, session: Session) -> tuple[list[AttendanceRow], int, bool]:
    """The committee's active members with their presence at the session, as rows for the
    session page (each label computed once here: a block tag and two `get_role_display` per
    member cost the page more than its query), how many were present and whether the quorum is
    reached. One query: the members with their recorded status, and those since deactivated
    whose presence was recorded (counted, not listed, as before their deactivation). Whether
    any attendance is recorded is kept on the session: the guards of this request that ask it
    (`attendance_recorded`) read it there instead of a query each."""
    members = _attendance_members(session=session)
    roles = {value: str(label) for value, label in CommitteeRole.choices}
    statuses = [("", "—"), *((value, str(label)) for value, label in Attendance.Status.choices)]
    options = options_builder(statuses)
    labels = dict(statuses)
    select_label_of = _("Présence de %(name)s (%(role)s)")
    rows, present, any_recorded = [], 0, False
    for member_id, user_id, name, role, specialty, is_active, status in members:
        any_recorded = any_recorded or status is not None
        if status == PRESENT:
            present += 1
        if not is_active:
            continue
        role = roles.get(role, role)
        select_label = select_label_of % {"name": name, "role": role}
        if specialty:
            select_label = f"{select_label}, {specialty}"
        rows.append(
            AttendanceRow(
                member_id=member_id,
                user_id=user_id,
                name=name,
                role_label=role,
                status=status or "",
                status_label=labels.get(status, "—") if status else "—",
                select_label=select_label,
                status_options=options(status or None),
            )
        )
    session.has_attendance = any_recorded
    return rows, present, present >= session.committee.quorum


def attendance_rows_html(rows: list[AttendanceRow], *, editable: bool) -> str:
    """The attendance table's rows on the session page, written once here (each text
    escaped); `editable`: the chair or secretary while the attendance is open. The same markup
    as the template's former loop (tested)."""
    html = []
    for row in rows:
        if editable:
            cell = (
                f'<label class="visually-hidden" for="att-{row.member_id}">'
                f"{escape(row.select_label)}</label>\n"
                f'          <select class="form-select form-select-sm"'
                f' name="member_{row.member_id}" id="att-{row.member_id}">'
                f"{row.status_options}</select>"
            )
        else:
            cell = escape(row.status_label)
        html.append(
            f"\n      <tr><td>{escape(row.name)}</td><td>{escape(row.role_label)}</td>\n"
            f"        <td>{cell}</td></tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 (every text escaped above)


SESSION_HISTORY = KeyedQuery(
    lambda key: SessionTransition.objects.filter(session_id=key).order_by("at", "pk")
)


def session_history(*, session: Session) -> list[SessionTransition]:
    """The session's transitions, oldest first, for its page's history, as the model's rows
    (their labels are the model's); the statement compiled once (the ORM spent 0.5 ms building
    a query of a few rows)."""
    return SESSION_HISTORY.rows(session.pk)


def reviews_of(*, session: Session) -> QuerySet[CaseReview]:
    return (
        session.reviews.select_related(
            "case", "case__parents_contact", "icd_pm_group", "maternal_condition"
        )
        .prefetch_related("delays", "pathway_breaks", Prefetch("factors__item__category"))
        .order_by("case__code")
    )


def minutes_context(*, session: Session) -> dict:
    """Everything the minutes show: anonymous by construction (case codes, pseudonymised
    classifications, attendance by role and specialty, never a patient's identity)."""
    # Counts only: the minutes are read outside the committee (the quality team of a case's
    # organisation); the named sheet stays with the chair and secretary (certificates.py).
    attendance = list(session.attendance.values_list("status", "member__role"))
    roles = dict(CommitteeRole.choices)
    present_roles = Counter(role for status, role in attendance if status == PRESENT)
    reviews = list(reviews_of(session=session))
    extras = minutes_sections.case_sections(
        session=session, case_ids=[review.case_id for review in reviews]
    )
    for review in reviews:
        review.extra_sections = extras[review.case_id]
        # Whether the parents' questions were answered: never their content nor the answers.
        review.parents_line = parents_minutes_line(review)
    return {
        "session": session,
        "agenda": agenda_of(session=session),
        "reviews": reviews,
        "sections": minutes_sections.session_sections(session=session),
        "present": sum(present_roles.values()),
        "excused": sum(1 for status, _role in attendance if status == EXCUSED),
        "absent": sum(1 for status, _role in attendance if status == ABSENT),
        "present_by_role": [
            (str(label), present_roles[value])
            for value, label in roles.items()
            if present_roles[value]
        ],
        # Guests who came, counted by function (never named in the minutes).
        "guests_present": (guests := guests_present_by_function(session=session)),
        "guests_present_total": sum(count for _function, count in guests),
        "quorum": session.committee.quorum,
    }


def guests_present_by_function(*, session: Session) -> list[tuple[str, int]]:
    """[(function, how many)] of the invited professionals recorded present: the minutes count
    them this way and never name them."""
    counts: dict[str, int] = {}
    for function in (
        SessionGuest.objects.filter(
            session=session, revoked_at__isnull=True, presence=SessionGuest.Presence.PRESENT
        )
        .order_by("function", "pk")
        .values_list("function", flat=True)
    ):
        counts[function] = counts.get(function, 0) + 1
    return sorted(counts.items())


def guests_of_case(*, session: Session, case_id: int) -> list[SessionGuest]:
    """The invitations of one agenda case, removed ones included (dated), with their names:
    the chair and secretary's page only."""
    return list(
        SessionGuest.objects.filter(session=session, case_id=case_id)
        .select_related("user", "invited_by")
        .order_by("revoked_at", "invited_at", "pk")
    )
