"""Attendance that counts (issue 15, point 4): the named attendance sheet (chair and secretary
only, never in the anonymous minutes), attendance locked once the minutes are validated on
every route, and the yearly participation certificates (DPC, accreditation)."""

import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from cases.exceptions import TransitionConflict
from committees import certificates
from committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    Session,
    SessionGuest,
)
from committees.permissions import attendance_sheets_visible_to, can_view_attendance_sheet
from committees.services import reviews, sessions
from tests.committees.conftest import full_review
from tests.conftest import committee_person
from tests.factories import CaseFactory, canary_fragments, member

pytestmark = pytest.mark.django_db


def this_year() -> int:
    """Read when the test runs (CI also runs the suite under a clock moved to 2 January)."""
    return timezone.localdate().year


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def in_this_year(days_ago: int):
    """A past moment of this year at 10:00 (clamped to 1 January when the year is young)."""
    moment = timezone.localtime() - timedelta(days=days_ago)
    start = timezone.localtime().replace(month=1, day=1, hour=10, minute=0, second=0)
    moment = moment.replace(hour=10, minute=0, second=0, microsecond=0)
    return max(moment, start)


def a_session(committee, by, status, *, days_ago=3, year_offset=0, **fields):
    starts_at = in_this_year(days_ago)
    if year_offset:
        starts_at = starts_at.replace(year=starts_at.year + year_offset, day=1)
    return Session.objects.create(
        committee=committee,
        starts_at=starts_at,
        place="Salle du réseau",
        created_by=by,
        status=status,
        **fields,
    )


def seat(committee, user) -> CommitteeMember:
    return CommitteeMember.objects.get(committee=committee, user=user)


def attend(session, **statuses):
    """Attendance rows written directly (bulk: the situation, not the route under test)."""
    Attendance.objects.bulk_create(
        Attendance(session=session, member=member, status=status)
        for member, status in statuses.values()
    )


# --- Locked once the minutes are validated, on every route --------------------------------
@pytest.fixture
def validated(committee, secretary, chair, committee_member):
    session = a_session(committee, secretary, "minutes_validated")
    attend(
        session,
        a=(seat(committee, chair), "present"),
        b=(seat(committee, secretary), "present"),
        c=(seat(committee, committee_member), "excused"),
    )
    return session


LOCKED = "les présences sont figées"


def test_service_refuses_any_change_once_minutes_are_validated(validated, secretary, committee):
    member = seat(committee, secretary)
    with pytest.raises(TransitionConflict, match=LOCKED):
        sessions.attendance_record(session=validated, by=secretary, statuses={member.pk: "absent"})
    assert Attendance.objects.get(session=validated, member=member).status == "present"


def test_model_refuses_save_delete_and_clean_once_validated(validated, committee, secretary):
    row = Attendance.objects.get(session=validated, member=seat(committee, secretary))
    row.status = "absent"
    with pytest.raises(ValidationError, match=LOCKED):
        row.full_clean()
    with pytest.raises(TransitionConflict, match=LOCKED):
        row.save()
    with pytest.raises(TransitionConflict, match=LOCKED):
        row.delete()
    # Even a session object read before the validation (stale) cannot write.
    stale = Session.objects.get(pk=validated.pk)
    stale.__dict__["status"] = "held"
    with pytest.raises(TransitionConflict, match=LOCKED):
        Attendance(session=stale, member=seat(committee, secretary), status="absent").save()
    assert Attendance.objects.get(pk=row.pk).status == "present"


def test_session_page_form_refuses_and_shows_no_form_once_validated(
    client, validated, committee, secretary
):
    client.force_login(secretary)
    member = seat(committee, secretary)
    response = client.post(
        reverse("committees:attendance", args=[validated.pk]), {f"member_{member.pk}": "absent"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "les présences sont figées" in page.replace("&#x27;", "'")
    assert 'id="attendance-locked"' in page and f'name="member_{member.pk}"' not in page
    assert Attendance.objects.get(session=validated, member=member).status == "present"


def test_admin_offers_no_route_to_attendance():
    """Attendance is not an admin model (the named sheet is the chair's and secretary's), and
    the session admin is read-only: the model guard above covers any admin added later."""
    assert Attendance not in admin.site._registry
    session_admin = admin.site._registry[Session]
    assert not getattr(session_admin, "inlines", [])
    assert set(session_admin.fields) <= set(session_admin.readonly_fields)


def test_reopening_the_minutes_reopens_attendance_until_the_next_validation(
    committee, secretary, chair, committee_member
):
    """The minutes are versioned: a correction may concern who was there. Attendance reopens
    with them and locks again at the next validation."""
    case = CaseFactory(status="reviewed", organisation=committee.organisation)
    session = a_session(committee, secretary, "held")
    AgendaItem.objects.create(session=session, case=case)
    member = seat(committee, committee_member)
    # The minutes are validated once the agenda's case is reviewed in the session.
    full_review(case=case, session=session, recorded_by=secretary).save()
    sessions.attendance_record(
        session=session,
        by=secretary,
        statuses={seat(committee, u).pk: "present" for u in (chair, secretary, committee_member)},
    )
    reviews.minutes_draft(session=session, by=secretary)
    reviews.minutes_validate(session=session, by=chair, version=1)
    with pytest.raises(TransitionConflict, match=LOCKED):
        sessions.attendance_record(session=session, by=secretary, statuses={member.pk: "absent"})
    reviews.minutes_draft(session=session, by=secretary, correction_reason="Présence corrigée.")
    session.refresh_from_db()
    assert session.status == "held"
    sessions.attendance_record(session=session, by=secretary, statuses={member.pk: "excused"})
    assert Attendance.objects.get(session=session, member=member).status == "excused"
    reviews.minutes_draft(session=session, by=secretary)  # the correction, drafted again
    # Not counted while reopened: the certificate waits for the new validation.
    assert certificates.certificate_years_of(user=committee_member) == []
    reviews.minutes_validate(session=session, by=chair, version=2)
    with pytest.raises(TransitionConflict, match=LOCKED):
        sessions.attendance_record(session=session, by=secretary, statuses={member.pk: "present"})
    minutes = session.minutes.get(version=2).body_html
    assert "Excusés : 1 ; absents : 0." in minutes


# --- The named sheet: chair and secretary only; never in the minutes ------------------------
def test_attendance_sheet_for_chair_and_secretary_only(
    client, validated, every_role, outsider, other_administrator
):
    sheet = reverse("committees:attendance_sheet", args=[validated.pk])
    sheet_pdf = reverse("committees:attendance_sheet_pdf", args=[validated.pk])
    for role, user in every_role.items():
        client.force_login(user)
        allowed = role in (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY)
        assert client.get(sheet).status_code == (200 if allowed else 404), role
        if not allowed:
            assert client.get(sheet_pdf).status_code == 404, role
    for user in (outsider, other_administrator):
        client.force_login(user)
        assert client.get(sheet).status_code == 404
        assert client.get(sheet_pdf).status_code == 404
    client.logout()
    assert client.get(sheet).status_code == 302
    assert client.get(sheet_pdf).status_code == 302


def test_attendance_sheet_names_function_organisation_and_status(
    client, validated, secretary, chair, committee_member, committee
):
    chair.job_title = "Gynécologue-obstétricienne"
    chair.save()
    client.force_login(secretary)
    page = client.get(reverse("committees:attendance_sheet", args=[validated.pk])).content.decode()
    for expected in ("Pia Pres", "Sam Sec", "Mia Mem", "Gynécologue-obstétricienne", "Excusé"):
        assert expected in page
    assert committee.organisation.name in page
    assert validated.starts_at.astimezone().strftime("%d/%m/%Y") in page
    text = pdf_text(
        client.get(reverse("committees:attendance_sheet_pdf", args=[validated.pk])).content
    )
    for expected in ("Pia Pres", "Mia Mem", "Comité RMM Nord", "Salle du réseau", "Signature"):
        assert expected in text
    assert "2 présent(s), 1 excusé(s), 0 absent(s)" in text


def test_minutes_give_counts_never_the_attendees(
    client, committee, secretary, chair, committee_member
):
    chair.job_title = "Cardiopédiatre"
    chair.save()
    seat(committee, chair).__class__.objects.filter(user=chair).update(specialty="Cardiopédiatrie")
    session = a_session(committee, secretary, "held")
    attend(
        session,
        a=(seat(committee, chair), "present"),
        b=(seat(committee, secretary), "present"),
        c=(seat(committee, committee_member), "absent"),
    )
    minutes = reviews.minutes_draft(session=session, by=secretary)
    for leak in ("Pia Pres", "Sam Sec", "Mia Mem", "Cardiopédiatr", "membre@nord.test"):
        assert leak not in minutes.body_html
    assert "2 membres présents" in minutes.body_html
    assert "président 1, secrétaire 1" in minutes.body_html
    assert "Excusés : 0 ; absents : 1." in minutes.body_html
    client.force_login(secretary)
    pdf = client.get(reverse("committees:minutes_pdf", args=[session.pk, minutes.version]))
    text = pdf_text(pdf.content)
    assert "2 membres présents" in text and "Pia Pres" not in text and "Mia Mem" not in text


# --- Certificates -------------------------------------------------------------------------
@pytest.fixture
def year_of_sessions(committee, secretary, chair, committee_member):
    """This year: 3 validated sessions (member present at 2, excused at 1), 1 validated where
    the member was not on the sheet (no seat then), 1 held awaiting validation, 1 cancelled;
    last year: 1 validated (present)."""
    me, sec, ch = (seat(committee, u) for u in (committee_member, secretary, chair))
    made = []
    for days, status, mine, duration in [
        (30, "minutes_validated", "present", 120),
        (20, "minutes_validated", "present", 90),
        (10, "minutes_validated", "excused", 120),
        (8, "minutes_validated", None, 120),
        (5, "held", "present", 120),
        (4, "cancelled", "present", 120),
    ]:
        session = a_session(committee, secretary, status, days_ago=days, duration_minutes=duration)
        rows = {"s": (sec, "present"), "c": (ch, "present")}
        if mine:
            rows["m"] = (me, mine)
        attend(session, **rows)
        made.append(session)
    last_year = a_session(committee, secretary, "minutes_validated", year_offset=-1)
    attend(last_year, m=(me, "present"))
    return made


def certificate_url(committee, user, year=None):
    year = this_year() if year is None else year
    return reverse("committees:certificate_pdf", args=[seat(committee, user).pk, year])


def test_certificate_counts_validated_sessions_attended_over_those_held_with_a_seat(
    client, committee, committee_member, year_of_sessions
):
    client.force_login(committee_member)
    response = client.get(certificate_url(committee, committee_member))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mia Mem" in text and "Comité RMM Nord" in text
    assert f"a participé à 2 revues de morbi-mortalité (RMM) en {this_year()}, sur 3 séance(s)" in (
        text
    )
    listed = {timezone.localtime(s.starts_at).strftime("%d/%m/%Y") for s in year_of_sessions[:2]}
    assert all(day in text for day in listed)
    # Early in January every session of the fixture falls on 1 January: a date is "not
    # listed" only where no attended session shares it.
    for session in year_of_sessions[2:]:
        day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
        assert day in listed or day not in text
    assert "2 h" in text and "1 h 30" in text and "3 h 30" in text
    assert "1 séance tenue cette année attend la validation" in text
    assert "Le président ou la présidente de « Comité RMM Nord » atteste que Mia Mem" in text
    assert "La présidence de « Comité RMM Nord » Pia Pres" in text
    assert "développement professionnel continu" in text


def test_certificate_carries_no_case_data(
    client, committee, secretary, committee_member, year_of_sessions
):
    case = CaseFactory(
        status="reviewed",
        organisation=committee.organisation,
        summary="Mme Zanzibarova Philomene, 17 rue des Canaris.",
    )
    AgendaItem.objects.create(session=year_of_sessions[0], case=case)
    for user in (committee_member, secretary):
        client.force_login(user)
        text = pdf_text(client.get(certificate_url(committee, committee_member)).content)
        assert case.code not in text
        for fragment in canary_fragments():
            assert fragment not in text, fragment
    sheet = client.get(reverse("committees:attendance_sheet", args=[year_of_sessions[0].pk]))
    sheet_pdf = client.get(
        reverse("committees:attendance_sheet_pdf", args=[year_of_sessions[0].pk])
    )
    for body in (sheet.content.decode(), pdf_text(sheet_pdf.content)):
        assert case.code not in body
        for fragment in canary_fragments():
            assert fragment not in body, fragment


def test_who_downloads_a_certificate(
    client,
    committee,
    committee_member,
    secretary,
    chair,
    quality_manager,
    administrator,
    clinician,
    other_network,
    year_of_sessions,
):
    url = certificate_url(committee, committee_member)
    other_member = committee_person(
        committee, Role.COMMITTEE_MEMBER, "member", email="autre@nord.test", full_name="Ali Aut"
    )
    elsewhere = Committee.objects.create(name="Comité Sud", organisation=other_network)
    other_secretary = committee_person(
        elsewhere, Role.COMMITTEE_SECRETARY, "secretary", email="sec@sud.test"
    )
    for user, status in [
        (committee_member, 200),
        (secretary, 200),
        (chair, 200),
        (other_member, 404),
        (other_secretary, 404),
        (quality_manager, 404),
        (administrator, 404),
        (clinician, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.email
    client.logout()
    assert client.get(url).status_code == 302


def test_year_in_the_url_is_validated(client, committee, committee_member, year_of_sessions):
    client.force_login(committee_member)
    for year in (1999, this_year() + 1, 99999):
        assert client.get(certificate_url(committee, committee_member, year)).status_code == 404
    # A year without any counted participation has no certificate.
    assert client.get(certificate_url(committee, committee_member, 2000)).status_code == 404
    assert client.get(
        certificate_url(committee, committee_member, this_year() - 1)
    ).status_code == (200)


def test_my_certificates_lists_the_years_attended_from_the_home_page(
    client, committee, committee_member, year_of_sessions
):
    client.force_login(committee_member)
    home = client.get(reverse("home")).content.decode()
    assert reverse("committees:my_certificates") in home
    page = client.get(reverse("committees:my_certificates")).content.decode()
    assert certificate_url(committee, committee_member) in page
    assert certificate_url(committee, committee_member, this_year() - 1) in page
    assert "2 / 3" in page and "1 / 1" in page


def test_my_certificates_is_empty_for_who_never_attended(client, quality_manager):
    client.force_login(quality_manager)
    page = client.get(reverse("committees:my_certificates")).content.decode()
    assert 'id="no-certificate"' in page
    client.logout()
    assert client.get(reverse("committees:my_certificates")).status_code == 302


def test_committee_certificates_for_its_chair_and_secretary_only(
    client, committee, secretary, chair, every_role, year_of_sessions
):
    url = reverse("committees:committee_certificates_year", args=[committee.pk, this_year()])
    for role, user in every_role.items():
        client.force_login(user)
        allowed = role in (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY)
        assert client.get(url).status_code == (200 if allowed else 404), role
    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert certificate_url(committee, every_role[Role.COMMITTEE_MEMBER]) in page
    bad = reverse("committees:committee_certificates_year", args=[committee.pk, this_year() + 1])
    assert client.get(bad).status_code == 404
    assert (
        client.get(reverse("committees:committee_certificates", args=[committee.pk])).status_code
        == 200
    )


def _grow(committee, secretary, member, sessions: int, colleagues: int, tag: str):
    for index in range(colleagues):
        committee_person(committee, Role.COMMITTEE_MEMBER, "member", email=f"{tag}{index}@n.test")
    seats = list(committee.members.all())
    for days in range(sessions):
        session = a_session(committee, secretary, "minutes_validated", days_ago=days + 1)
        Attendance.objects.bulk_create(
            Attendance(session=session, member=s, status="present") for s in seats
        )


def _queries(client, url) -> int:
    client.get(url)  # the first request after logging in refreshes the login session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_certificate_lists_take_a_constant_number_of_queries(
    client, committee, secretary, committee_member, other_network
):
    mine = reverse("committees:my_certificates")
    theirs = reverse("committees:committee_certificates_year", args=[committee.pk, this_year()])
    _grow(committee, secretary, committee_member, sessions=1, colleagues=1, tag="a")
    client.force_login(committee_member)
    small_mine = _queries(client, mine)
    client.force_login(secretary)
    small_theirs = _queries(client, theirs)
    _grow(committee, secretary, committee_member, sessions=6, colleagues=8, tag="b")
    # A second committee: another row (another year-committee) on the member's own list.
    other = Committee.objects.create(name="Comité Sud", organisation=other_network)
    CommitteeMember.objects.create(committee=other, user=committee_member, role="member")
    _grow(other, secretary, committee_member, sessions=2, colleagues=0, tag="c")
    client.force_login(committee_member)
    assert _queries(client, mine) == small_mine
    client.force_login(secretary)
    assert _queries(client, theirs) == small_theirs


def test_attendance_sheet_takes_a_constant_number_of_queries(client, committee, secretary):
    session = a_session(committee, secretary, "held")
    url = reverse("committees:attendance_sheet", args=[session.pk])
    client.force_login(secretary)
    attend(session, s=(seat(committee, secretary), "present"))
    small = _queries(client, url)
    for index in range(8):
        user = committee_person(committee, Role.COMMITTEE_MEMBER, "member", email=f"x{index}@n.t")
        attend(session, m=(seat(committee, user), "absent"))
    assert _queries(client, url) == small


def test_a_professional_who_left_the_committee_keeps_their_certificates(
    client, committee, committee_member, secretary, year_of_sessions
):
    CommitteeMember.objects.filter(committee=committee, user=committee_member).update(
        is_active=False
    )
    for user in (committee_member, secretary):
        client.force_login(user)
        assert client.get(certificate_url(committee, committee_member)).status_code == 200
    client.force_login(committee_member)
    page = client.get(reverse("committees:my_certificates")).content.decode()
    assert certificate_url(committee, committee_member) in page


# --- Reviewer's findings (issue 15) ---------------------------------------------------------
def test_year_zero_non_canonical_or_out_of_range_is_404_on_every_certificate_url(
    client, committee, secretary, committee_member, year_of_sessions
):
    """Year 0 was read as "this year" on the committee's list, and "00002026" was accepted."""
    member_seat = seat(committee, committee_member).pk
    client.force_login(secretary)
    good_list = f"/seances/comites/{committee.pk}/attestations/{this_year()}/"
    good_pdf = f"/seances/attestations/{member_seat}/{this_year()}/pdf/"
    assert good_list == reverse(
        "committees:committee_certificates_year", args=[committee.pk, this_year()]
    )
    assert good_pdf == reverse("committees:certificate_pdf", args=[member_seat, this_year()])
    assert client.get(good_list).status_code == 200
    assert client.get(good_pdf).status_code == 200
    for year in ("0", "00", f"0{this_year()}", f"0000{this_year()}", "1999", str(this_year() + 1)):
        assert client.get(f"/seances/comites/{committee.pk}/attestations/{year}/").status_code == (
            404
        ), year
        assert client.get(f"/seances/attestations/{member_seat}/{year}/pdf/").status_code == (
            404
        ), year
    # The rule is the reads' own, whatever calls them.
    for year in (0, 1999, this_year() + 1):
        with pytest.raises(Http404):
            certificates.committee_certificates(committee=committee, year=year)
        with pytest.raises(Http404):
            certificates.certificate_of(seat=seat(committee, committee_member), year=year)


def test_a_cancelled_session_has_no_attendance_sheet(
    client, committee, secretary, chair, committee_member
):
    session = a_session(committee, secretary, "cancelled", cancellation_reason="Grève.")
    attend(session, s=(seat(committee, secretary), "present"))
    assert not can_view_attendance_sheet(secretary, session)
    assert not attendance_sheets_visible_to(secretary).filter(pk=session.pk).exists()
    with pytest.raises(Http404):
        certificates.attendance_sheet(session=session)
    for user in (secretary, chair):
        client.force_login(user)
        assert client.get(
            reverse("committees:attendance_sheet", args=[session.pk])
        ).status_code == (404)
        assert client.get(
            reverse("committees:attendance_sheet_pdf", args=[session.pk])
        ).status_code == (404)
        page = client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
        assert 'id="attendance-sheet-link"' not in page
    # A session still to hold keeps its sheet (printed blank for signatures).
    planned = a_session(committee, secretary, "planned")
    assert can_view_attendance_sheet(secretary, planned)
    assert client.get(reverse("committees:attendance_sheet", args=[planned.pk])).status_code == 200


def test_certificate_reads_well_with_the_professionals_function_and_organisation(
    client, committee, committee_member, chair, year_of_sessions
):
    committee.name = "Comité RMM du réseau Nord-Littoral"
    committee.save()
    committee_member.job_title = "Sage-femme coordinatrice"
    committee_member.save()
    client.force_login(committee_member)
    text = pdf_text(client.get(certificate_url(committee, committee_member)).content)
    assert "du comité Comité" not in text
    assert (
        "Le président ou la présidente de « Comité RMM du réseau Nord-Littoral » atteste que "
        "Mia Mem a participé à 2 revues"
    ) in text
    assert "La présidence de « Comité RMM du réseau Nord-Littoral » Pia Pres" in text
    assert "Fonction : Sage-femme coordinatrice" in text
    assert f"Organisation : {committee.organisation.name}" in text
    # No place of issue is recorded anywhere: the date only.
    assert f"Fait le {timezone.localdate():%d/%m/%Y}" in text and "Fait à" not in text


@pytest.fixture
def guests_of_a_held_session(committee, secretary, chair, other_maternity, maternity):
    """A held session with two cases; a SMUR doctor invited for both (present at the second),
    a neonatologist invited and absent, a midwife whose invitation was removed."""
    session = a_session(committee, secretary, "held")
    attend(
        session, s=(seat(committee, secretary), "present"), c=(seat(committee, chair), "present")
    )
    cases = [CaseFactory(status="scheduled", organisation=maternity) for _ in range(2)]
    for position, case in enumerate(cases):
        AgendaItem.objects.create(session=session, case=case, position=position)
    doctor = member(Role.CLINICIAN, other_maternity, email="smur@sud.test", full_name="Sam Urgent")
    neonat = member(Role.CLINICIAN, other_maternity, email="neo@sud.test", full_name="Nina Neo")
    gone = member(Role.CLINICIAN, other_maternity, email="sf@sud.test", full_name="Rita Retir")
    now = timezone.now()
    for case, user, function, presence, revoked in [
        (cases[0], doctor, "Médecin SMUR pédiatrique", "", None),
        (cases[1], doctor, "Médecin SMUR pédiatrique", "present", None),
        (cases[0], neonat, "Néonatologiste de garde", "absent", None),
        (cases[1], gone, "Sage-femme de salle de naissance", "", now),
    ]:
        SessionGuest.objects.create(
            session=session,
            case=case,
            user=user,
            function=function,
            invited_by=secretary,
            invited_at=now,
            presence=presence,
            revoked_at=revoked,
        )
    return session


def test_attendance_sheet_lists_invited_guests_apart_read_only(
    client, secretary, other_maternity, guests_of_a_held_session
):
    session = guests_of_a_held_session
    client.force_login(secretary)
    page = client.get(reverse("committees:attendance_sheet", args=[session.pk])).content.decode()
    assert 'id="attendance-sheet-guests"' in page and "Invités extérieurs" in page
    members_table, guests_part = page.split('id="sheet-guests-title"')
    assert "Sam Urgent" not in members_table and "Sam Urgent" in guests_part
    assert guests_part.count("Sam Urgent") == 1  # one row per person, whatever the cases
    for expected in ("Médecin SMUR pédiatrique", "Nina Neo", "Néonatologiste de garde"):
        assert expected in guests_part
    assert other_maternity.name in guests_part
    rows = guests_part.split("<tr>")
    assert "Présent" in next(row for row in rows if "Sam Urgent" in row)
    assert "Absent" in next(row for row in rows if "Nina Neo" in row)
    assert "Rita Retir" not in page  # invitation removed
    assert "<select" not in guests_part and "<input" not in guests_part
    assert "1 présent(s) sur 2 professionnels invités" in guests_part
    # Members' counts and quorum are the committee's alone.
    assert "2 présent(s), 0 excusé(s), 0 absent(s)" in page
    text = pdf_text(
        client.get(reverse("committees:attendance_sheet_pdf", args=[session.pk])).content
    )
    for expected in ("Invités extérieurs", "Sam Urgent", "Médecin SMUR pédiatrique", "Nina Neo"):
        assert expected in text
    assert other_maternity.name in text and "Rita Retir" not in text


def test_attendance_sheet_guests_take_a_constant_number_of_queries(
    client, secretary, other_maternity, guests_of_a_held_session
):
    session = guests_of_a_held_session
    url = reverse("committees:attendance_sheet", args=[session.pk])
    client.force_login(secretary)
    small = _queries(client, url)
    case = session.agenda.first().case
    for index in range(6):
        SessionGuest.objects.create(
            session=session,
            case=case,
            user=member(Role.CLINICIAN, other_maternity, email=f"g{index}@sud.test"),
            function="Pédiatre",
            invited_by=secretary,
            invited_at=timezone.now(),
            presence="present",
        )
    assert _queries(client, url) == small


def test_no_certificate_for_guests(client, guests_of_a_held_session):
    """Guests hold no seat: certificates are drawn from seats only, so a guest has none."""
    doctor = SessionGuest.objects.filter(presence="present").get().user
    assert certificates.certificate_years_of(user=doctor) == []
    assert not CommitteeMember.objects.filter(user=doctor).exists()
