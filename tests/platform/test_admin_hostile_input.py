"""The admin answers a page with an error, never a 500, when a form's management counts are
negative, inconsistent or huge, when posted row ids are tampered with, and when a reference
label is edited (its display label must not assume an active language)."""

import html

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from committees.models import AlarmCategory, AlarmItem, Committee, CommitteeMember, Delay
from tests.html_forms import FormParser, as_post, browser_data

pytestmark = pytest.mark.django_db

COUNTS = {
    "TOTAL=-1": {"TOTAL_FORMS": "-1"},
    "TOTAL=10**9": {"TOTAL_FORMS": str(10**9)},
    "INITIAL>TOTAL": {"INITIAL_FORMS": "7", "TOTAL_FORMS": "1"},
    "INITIAL>rows": {"INITIAL_FORMS": "40", "TOTAL_FORMS": "40"},
    "INITIAL=-1": {"INITIAL_FORMS": "-1"},
    "TOTAL=²": {"TOTAL_FORMS": "²"},
    # Fewer initial forms than rows: the existing rows come back as "new" ones (they were
    # saved as duplicates: IntegrityError, found by the second security review).
    "INITIAL=0<rows": {"INITIAL_FORMS": "0"},
}


def change_form(client, url):
    parser = FormParser()
    parser.feed(client.get(url).content.decode())
    form = max(parser.forms, key=lambda form: len(form["controls"]))
    return as_post([*browser_data(form), ("_save", "Enregistrer")])


def pages_with_inlines(committee, clinician):
    category = AlarmCategory.objects.order_by("pk").first()
    return [
        reverse("admin:accounts_user_change", args=[clinician.pk]),
        reverse("admin:committees_committee_change", args=[committee.pk]),
        reverse("admin:committees_committee_add"),
        reverse("admin:committees_alarmcategory_change", args=[category.pk]),
        reverse("admin:committees_alarmcategory_add"),
        reverse("admin:committees_delay_changelist"),
    ]


def test_every_admin_page_with_inlines_refuses_tampered_management_counts(
    administrator, committee, clinician, committee_member
):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    labels_before = list(AlarmItem.objects.values_list("label", flat=True))
    members_before = CommitteeMember.objects.count()
    failures = []
    for url in pages_with_inlines(committee, clinician):
        data = change_form(client, url)
        prefixes = [key.removesuffix("TOTAL_FORMS") for key in data if key.endswith("TOTAL_FORMS")]
        assert prefixes, url
        for prefix in prefixes:
            for label, counts in COUNTS.items():
                if label == "INITIAL=0<rows" and data[f"{prefix}INITIAL_FORMS"] == ["0"]:
                    continue  # no existing rows on this page: nothing to duplicate
                post = dict(data) | {f"{prefix}{key}": [value] for key, value in counts.items()}
                response = client.post(url, post)
                if response.status_code != 200:
                    failures.append((url, prefix, label, response.status_code))
                elif "errornote" not in response.content.decode() and not any(
                    m.level_tag == "error" for m in response.context["messages"]
                ):
                    failures.append((url, prefix, label, "no error shown"))
    assert failures == [], "\n".join(map(str, failures))
    assert list(AlarmItem.objects.values_list("label", flat=True)) == labels_before
    assert CommitteeMember.objects.count() == members_before


def test_tampered_row_ids_in_a_changelist_are_refused_with_a_message(administrator):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    url = reverse("admin:committees_delay_changelist")
    data = change_form(client, url)
    for value in ("9" * 40, "²", "١٢"):
        response = client.post(url, dict(data) | {"form-0-id": [value]}, follow=True)
        assert response.status_code == 200
        assert "Sélection invalide : rien n'a été modifié." in html.unescape(
            response.content.decode()
        )
        response = client.post(
            url, {"action": "delete_selected", "_selected_action": [value]}, follow=True
        )
        assert response.status_code == 200


def test_a_reference_label_edited_in_an_inline_is_saved_and_logged(administrator):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    category = AlarmCategory.objects.order_by("pk").first()
    url = reverse("admin:committees_alarmcategory_change", args=[category.pk])
    data = change_form(client, url)
    label_key = next(key for key in data if key.endswith("-0-label"))
    data[label_key] = ["Antécédents (reformulé)"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert AlarmItem.objects.filter(label="Antécédents (reformulé)").exists()


def test_display_label_needs_no_active_language():
    delay = Delay.objects.order_by("pk").first()
    with translation.override(None):
        assert str(delay).endswith(delay.label)
    with translation.override("en"):
        assert delay.display_label == (delay.label_en or delay.label)


def test_every_inline_of_the_admin_checks_its_counts(administrator, committee, rf):
    from rmm.admin import BoundedFormSetMixin

    request = rf.get("/admin/")
    request.user = administrator
    for model_admin in admin.site._registry.values():
        if not model_admin.inlines:
            continue
        obj = Committee.objects.first() if model_admin.model is Committee else None
        for inline in model_admin.get_inline_instances(request, obj):
            assert issubclass(inline.formset, BoundedFormSetMixin), inline
