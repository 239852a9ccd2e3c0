"""Live births: entered in the admin by the territory's administrators (scoped like every admin
page), imported from CSV with every bad line reported in French and nothing imported then;
and the demo loads figures for the demo maternities, idempotently."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from territory.models import LiveBirths
from tests.factories import MaternityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("territory:import_live_births")
CHANGELIST = reverse("admin:territory_livebirths_changelist")


@pytest.fixture
def finess_maternity(network):
    return MaternityFactory(name="Maternité Centre", parent=network, finess="750000123")


def upload(client, text: str, encoding="utf-8"):
    file = SimpleUploadedFile("naissances.csv", text.encode(encoding), content_type="text/csv")
    return client.post(IMPORT, {"file": file})


def test_an_administrator_imports_by_finess_or_name(
    client, administrator, maternity, finess_maternity
):
    client.force_login(administrator)
    csv_text = (
        "organisation;année;naissances;source\n"
        "750000123;2025;2100;PMSI 2025\n"
        "maternité nord;2025;3400;Registre des naissances\n"
    )
    response = upload(client, csv_text)
    assert response.status_code == 302
    figures = {(row.organisation.name, row.year): row for row in LiveBirths.objects.all()}
    assert figures[("Maternité Centre", 2025)].count == 2100
    assert figures[("Maternité Nord", 2025)].source == "Registre des naissances"
    assert figures[("Maternité Nord", 2025)].entered_by == administrator
    # again, with a corrected figure: replaced, not duplicated (Excel's cp1252, commas)
    response = upload(client, "Maternité Nord,2025,3410,Registre corrigé\n", encoding="cp1252")
    assert response.status_code == 302
    assert LiveBirths.objects.get(organisation=maternity, year=2025).count == 3410
    assert LiveBirths.objects.count() == 2


def test_bad_lines_are_reported_one_by_one_and_nothing_is_imported(
    client, administrator, maternity, other_maternity
):
    client.force_login(administrator)
    csv_text = (
        "Maternité Nord;2024;3000;PMSI\n"
        "Maternité Sud;2024;1000;PMSI\n"
        "Maternité Nord;20x4;-3;\n"
        "Maternité Nord;2024;3100;PMSI\n"
        "Maternité Nord;2023\n"
    )
    response = upload(client, csv_text)
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert errors == [
        "Ligne 2 : organisation « Maternité Sud » inconnue ou hors de votre territoire.",
        "Ligne 3 : année « 20x4 » invalide (de 1990 à "
        f"{__import__('datetime').date.today().year}) ; nombre de naissances « -3 » invalide "
        "(un entier positif) ; source manquante.",
        "Ligne 4 : cette organisation et cette année figurent déjà plus haut.",
        "Ligne 5 : 4 colonnes attendues (organisation ; année ; naissances ; source), 2 trouvées.",
    ]
    assert not LiveBirths.objects.exists()


def test_only_administrators_reach_the_import(client, every_role):
    for role, user in every_role.items():
        client.force_login(user)
        expected = 200 if role == "administrator" else 404
        assert client.get(IMPORT).status_code == expected, role


def test_the_admin_is_scoped_to_the_territory(
    client, administrator, other_administrator, maternity, other_maternity
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:territory_livebirths_add"),
        {"organisation": maternity.pk, "year": 2025, "count": 3000, "source": "PMSI 2025"},
    )
    assert response.status_code == 302
    row = LiveBirths.objects.get()
    assert row.entered_by == administrator
    page = client.get(CHANGELIST).content.decode()
    assert "PMSI 2025" in page and IMPORT in page
    # an organisation of another territory cannot be chosen
    response = client.post(
        reverse("admin:territory_livebirths_add"),
        {"organisation": other_maternity.pk, "year": 2025, "count": 10, "source": "x"},
    )
    assert response.status_code == 200 and LiveBirths.objects.count() == 1
    client.force_login(other_administrator)
    assert "PMSI 2025" not in client.get(CHANGELIST).content.decode()
    change = reverse("admin:territory_livebirths_change", args=[row.pk])
    assert client.get(change).status_code in (302, 403, 404)


def test_the_demo_loads_live_births_and_an_observer_idempotently(settings, client):
    settings.RMM_DEMO_ALLOWED = True
    call_command("load_demo")
    count = LiveBirths.objects.count()
    assert count >= 4
    call_command("load_demo")
    assert LiveBirths.objects.count() == count
    from accounts.models import User

    observer = User.objects.get(email="observateur@rmm-demo.fr")
    client.force_login(observer)
    response = client.get(reverse("territory:dashboard"))
    assert response.status_code == 200
    assert response.context["d"].total > 0
    assert any(row.rate is not None for row in response.context["d"].rates.rows)


# --- What a figure may be, whatever the route ----------------------------------------------
NAMED_SOURCE = (
    "Registre tenu par Kowalczyk 1 84 12 75 123 456 78 jean.canari@example.org 06 12 34 56 78"
)
ADD = reverse("admin:territory_livebirths_add")


def admin_add(client, organisation, *, year=None, count=3000, source="PMSI"):
    year = timezone.localdate().year - 1 if year is None else year
    data = {"organisation": organisation.pk, "year": year, "count": count, "source": source}
    return client.post(ADD, data)


def test_a_source_naming_someone_is_refused_by_the_import_and_the_admin(
    client, administrator, maternity
):
    client.force_login(administrator)
    year = timezone.localdate().year - 1
    response = upload(client, f"Maternité Nord;{year};3000;{NAMED_SOURCE}\n")
    assert response.status_code == 400
    [error] = response.context["result"].errors
    assert error.startswith("Ligne 1 : La source contient un identifiant"), error
    response = admin_add(client, maternity, source=NAMED_SOURCE)
    assert response.status_code == 200
    assert "La source contient un identifiant" in response.content.decode()
    response = admin_add(client, maternity, source="Registre tenu par Mme Kowalczyk")
    assert response.status_code == 200
    assert not LiveBirths.objects.exists()
    with pytest.raises(ValidationError) as refused:
        LiveBirths(
            organisation=maternity,
            year=year,
            count=10,
            source=NAMED_SOURCE,
            entered_by=administrator,
        ).full_clean()
    assert set(refused.value.message_dict) == {"source"}


def test_a_source_is_stored_normalised_by_the_import_and_the_admin(
    client, administrator, maternity, second_maternity
):
    client.force_login(administrator)
    year = timezone.localdate().year - 1
    response = upload(client, f"Maternité Nord;{year};3000;PMSI\x00 {year}\u202e\n")
    assert response.status_code == 302, response.context and response.context["result"].errors
    assert LiveBirths.objects.get(organisation=maternity).source == f"PMSI {year}"
    response = admin_add(client, second_maternity, source="\u202eRegistre\u200b  des naissances")
    assert response.status_code == 302
    assert LiveBirths.objects.get(organisation=second_maternity).source == "Registre des naissances"
    # a source made of invisible characters only is no source
    response = upload(client, f"Maternité Nord;{year};3000;\u202e\u200b\n")
    assert response.status_code == 400
    assert LiveBirths.objects.get(organisation=maternity).source == f"PMSI {year}"


@pytest.mark.parametrize("kind", ["network", "pmi", "neonatology"])
def test_live_births_are_entered_for_maternities_only(client, administrator, network, kind):
    organisation = {
        "network": network,
        "pmi": OrganisationFactory(name="PMI Nord", kind=Organisation.Kind.PMI, parent=network),
        "neonatology": OrganisationFactory(
            name="Néonatologie Nord", kind=Organisation.Kind.NEONATOLOGY, parent=network
        ),
    }[kind]
    client.force_login(administrator)
    year = timezone.localdate().year - 1
    response = upload(client, f"{organisation.name};{year};4848;PMSI\n")
    assert response.status_code == 400
    [error] = response.context["result"].errors
    assert f"« {organisation.name} » n'est pas une maternité" in error
    response = admin_add(client, organisation)
    assert response.status_code == 200  # not offered: the form refuses it
    assert not LiveBirths.objects.exists()
    with pytest.raises(ValidationError) as refused:
        LiveBirths(
            organisation=organisation, year=year, count=10, source="PMSI", entered_by=administrator
        ).full_clean()
    assert "n'est pas une maternité" in refused.value.message_dict["organisation"][0]


def test_a_year_not_yet_begun_and_a_count_of_zero_are_refused_on_both_routes(
    client, administrator, maternity
):
    client.force_login(administrator)
    this_year = timezone.localdate().year
    response = admin_add(client, maternity, year=this_year + 1)
    assert response.status_code == 200
    assert f"L&#x27;année ne peut pas dépasser l&#x27;année en cours ({this_year})" in (
        response.content.decode()
    )
    response = upload(client, f"Maternité Nord;{this_year + 1};3000;PMSI\n")
    assert response.status_code == 400
    response = admin_add(client, maternity, count=0)
    assert response.status_code == 200
    assert "Le nombre de naissances vivantes est d&#x27;au moins 1." in response.content.decode()
    response = upload(client, f"Maternité Nord;{this_year - 1};0;PMSI\n")
    assert response.status_code == 400
    assert response.context["result"].errors == [
        "Ligne 1 : Le nombre de naissances vivantes est d'au moins 1."
    ]
    assert not LiveBirths.objects.exists()
    # the current year itself is accepted on both routes
    assert admin_add(client, maternity, year=this_year).status_code == 302


def test_a_first_line_with_a_mistyped_year_is_reported_not_skipped_as_headers(
    client, administrator, maternity
):
    """Only a first line naming its year column is taken for headers: « 2O20 » (a letter O)
    or full-width digits are a data line's error, reported, and nothing is imported."""
    client.force_login(administrator)
    year = timezone.localdate().year - 1
    for mistyped in ("2O20", "２０２０"):
        response = upload(
            client,
            f"Maternité Nord;{mistyped};100;PMSI\nMaternité Nord;{year};3000;PMSI\n",
        )
        assert response.status_code == 400
        assert "Ligne 1" in response.content.decode()
        assert not LiveBirths.objects.exists()
