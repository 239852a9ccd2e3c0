"""Reference taxonomies seeded by migration (DESIGN §9) and the committees' admin pages: shared
reference rows are changed only by network/ARS administrators and never deleted; committees are
seen only by the administrators of their territory."""

import pytest
from django.urls import reverse

from accounts.models import Role
from committees.models import (
    AlarmCategory,
    AlarmItem,
    Committee,
    Delay,
    IcdPmGroup,
    MaternalCondition,
    PathwayStage,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


# --- Seeded taxonomies ----------------------------------------------------------------------
def test_icd_pm_groups_are_seeded_by_timing():
    assert IcdPmGroup.objects.count() == 24
    by_timing = {
        timing: list(IcdPmGroup.objects.filter(timing=timing).values_list("code", flat=True))
        for timing in "AIN"
    }
    assert by_timing["A"] == [f"A{n}" for n in range(1, 7)]
    assert by_timing["I"] == [f"I{n}" for n in range(1, 8)]
    assert by_timing["N"] == [f"N{n}" for n in range(1, 12)]
    assert IcdPmGroup.objects.get(code="A1").label == "Malformations congénitales"
    assert IcdPmGroup.objects.get(code="A3").label == "Hypoxie antepartum"
    assert IcdPmGroup.objects.get(code="I3").label == "Événement aigu intrapartum"
    assert IcdPmGroup.objects.get(code="N9").label == "Petit poids de naissance et prématurité"
    assert IcdPmGroup.objects.get(code="N11").label == "Non précisé"
    assert IcdPmGroup.objects.filter(is_active=True).count() == 24


def test_maternal_conditions_delays_and_pathway_stages_are_seeded():
    assert list(MaternalCondition.objects.values_list("code", flat=True)) == [
        "M1",
        "M2",
        "M3",
        "M4",
        "M5",
    ]
    assert MaternalCondition.objects.get(code="M5").label == "Aucune condition maternelle"
    assert list(Delay.objects.values_list("code", "label")) == [
        ("D1", "Retard à la décision de recourir aux soins"),
        ("D2", "Retard à l'accès aux soins"),
        ("D3", "Retard à la prise en charge adaptée"),
    ]
    stages = list(PathwayStage.objects.values_list("code", "label"))
    assert [code for code, _label in stages] == [f"P{n:02d}" for n in range(1, 11)]
    assert stages[0][1] == "Suivi prénatal" and stages[-1][1] == "Suivi à domicile et PMI"


def test_alarm_grid_is_seeded_with_its_seven_categories():
    categories = list(AlarmCategory.objects.values_list("code", "label"))
    assert categories == [
        ("1", "Patient"),
        ("2", "Tâches"),
        ("3", "Individu/soignant"),
        ("4", "Équipe"),
        ("5", "Environnement de travail"),
        ("6", "Organisation et management"),
        ("7", "Contexte institutionnel"),
    ]
    counts = [AlarmCategory.objects.get(code=code).items.count() for code, _label in categories]
    assert counts == [5, 5, 2, 7, 8, 7, 3]
    assert AlarmItem.objects.count() == 37
    first = AlarmItem.objects.get(code="1.1")
    assert first.label == "Antécédents" and first.category.code == "1"
    assert AlarmItem.objects.get(code="7.3").label == "Systèmes de signalement"
    assert all(label[0].isupper() for label in AlarmItem.objects.values_list("label", flat=True))


# --- Reference data in the admin ------------------------------------------------------------
def test_network_administrator_changes_a_label_but_cannot_delete(client, administrator):
    group = IcdPmGroup.objects.get(code="N10")
    client.force_login(administrator)
    change_url = reverse("admin:committees_icdpmgroup_change", args=[group.pk])
    assert client.get(change_url).status_code == 200
    response = client.post(
        change_url,
        {"label": "Causes diverses", "timing": "N", "position": group.position, "is_active": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.label == "Causes diverses"
    assert group.code == "N10"

    delete_url = reverse("admin:committees_icdpmgroup_delete", args=[group.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert IcdPmGroup.objects.filter(pk=group.pk).exists()
    changelist = client.get(reverse("admin:committees_icdpmgroup_changelist"))
    assert changelist.context["action_form"] is None  # no "delete selected" action


def test_alarm_category_page_lists_its_items_inline(client, administrator):
    category = AlarmCategory.objects.get(code="3")
    client.force_login(administrator)
    page = client.get(reverse("admin:committees_alarmcategory_change", args=[category.pk]))
    assert page.status_code == 200
    assert "Qualifications et compétences" in page.content.decode()


def test_maternity_administrator_sees_reference_data_but_cannot_change_it(client, maternity):
    maternity_admin = member(Role.ADMINISTRATOR, maternity, email="admin@maternite.test")
    delay = Delay.objects.get(code="D1")
    client.force_login(maternity_admin)
    assert client.get(reverse("admin:committees_delay_changelist")).status_code == 200
    change_url = reverse("admin:committees_delay_change", args=[delay.pk])
    client.post(change_url, {"label": "Modifié", "position": 1, "is_active": "on"})
    delay.refresh_from_db()
    assert delay.label == "Retard à la décision de recourir aux soins"
    assert client.get(reverse("admin:committees_delay_add")).status_code == 403


def test_maternity_clinician_cannot_open_the_admin(client, clinician):
    client.force_login(clinician)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    changelist = reverse("admin:committees_icdpmgroup_changelist")
    assert client.get(changelist, follow=True).status_code == 403


# --- Committees in the admin ----------------------------------------------------------------
def test_committees_are_seen_only_by_the_administrators_of_their_territory(
    client, network, other_network, administrator, other_administrator
):
    north = Committee.objects.create(name="RMM du Réseau Nord", organisation=network)
    south = Committee.objects.create(name="RMM du Réseau Sud", organisation=other_network)
    client.force_login(other_administrator)
    changelist = client.get(reverse("admin:committees_committee_changelist"))
    assert changelist.status_code == 200
    shown = set(changelist.context["cl"].result_list)
    assert south in shown and north not in shown
    assert (
        client.get(reverse("admin:committees_committee_change", args=[north.pk])).status_code == 302
    )  # the admin redirects away from what it cannot show

    client.force_login(administrator)
    page = client.get(reverse("admin:committees_committee_add"))
    assert page.status_code == 200
    choices = set(page.context["adminform"].form.fields["organisation"].queryset)
    assert network in choices and other_network not in choices


def test_committee_admin_pages_answer_for_the_administrator(client, network, administrator):
    committee = Committee.objects.create(name="RMM du Réseau Nord", organisation=network)
    client.force_login(administrator)
    for name in ["committee", "committeemember", "charteracceptance", "session", "minutesversion"]:
        assert client.get(reverse(f"admin:committees_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:committees_committee_change", args=[committee.pk]))
    assert page.status_code == 200
    for read_only in ["charteracceptance", "session", "minutesversion"]:
        assert client.get(reverse(f"admin:committees_{read_only}_add")).status_code == 403
    assert client.get(reverse("admin:committees_committeemember_add")).status_code == 200


def test_reference_labels_are_edited_in_the_changelist(client, administrator):
    client.force_login(administrator)
    stages = list(PathwayStage.objects.order_by("position"))
    data = {
        "form-TOTAL_FORMS": str(len(stages)),
        "form-INITIAL_FORMS": str(len(stages)),
        "_save": "Enregistrer",
    }
    for index, stage in enumerate(stages):
        data |= {
            f"form-{index}-id": stage.pk,
            f"form-{index}-label": stage.label,
            f"form-{index}-position": stage.position,
        }
        if stage.code != "P07":
            data[f"form-{index}-is_active"] = "on"
    response = client.post(reverse("admin:committees_pathwaystage_changelist"), data)
    assert response.status_code == 302
    assert not PathwayStage.objects.get(code="P07").is_active
    assert PathwayStage.objects.filter(is_active=True).count() == 9


def test_reference_labels_follow_the_users_language():
    from django.utils import translation

    from committees.models import AlarmItem, IcdPmGroup, PathwayStage

    group = IcdPmGroup.objects.get(code="N9")
    with translation.override("fr"):
        assert str(group) == "N9 — Petit poids de naissance et prématurité"
    with translation.override("en"):
        assert str(group) == "N9 — Low birth weight and prematurity"
        assert AlarmItem.objects.get(code="4.1").display_label == (
            "Communication between professionals"
        )
        assert PathwayStage.objects.get(code="P10").display_label == "Home follow-up and PMI"
    assert not IcdPmGroup.objects.filter(label_en="").exists()
    assert not AlarmItem.objects.filter(label_en="").exists()
