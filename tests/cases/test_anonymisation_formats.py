"""Identifiers written in the other common shapes (found by an attack pass): the vault's own
dates in any format, dates with a year written with spaces, month names (French or English)
or roman months, record numbers glued to their label, a postcode left after an address, and
e-mail addresses with their "@" and dots disguised. And the clinical notation that must stay."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from cases.anonymisation import find_identifiers, scrub
from cases.exceptions import TransitionRefused
from cases.models import IdentityVault
from cases.services.cases import summary_save

FRENCH_ABBREVIATIONS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
)  # fmt: skip
FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def english_ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def general_forms(day) -> list[str]:
    """A date with its year in the shapes the rules must recognise without the vault."""
    d, m, y, yy = day.day, day.month, day.year, f"{day.year % 100:02d}"
    fr, en = FRENCH_ABBREVIATIONS[m - 1], ENGLISH_MONTHS[m - 1]
    return [
        f"{d:02d}-{fr.rstrip('.').lower()}-{y}",  # 10-nov-2026
        f"{d}/{fr.rstrip('.')}/{y}",  # 10/nov/2026
        f"{d:02d}{en[:3].upper()}{y}",  # 12NOV2026
        f"{d:02d}{en[:3].upper()}{yy}",  # 12NOV26
        f"{d:02d} {m:02d} {yy}",  # 12 11 26 (after "le")
        f"{d:02d} {m:02d} {y}",  # 10 11 2026
        f"{d} / {m} / {y}",  # 10 / 11 / 2026
        f"{d:02d}.{ROMAN[m - 1]}.{y}",  # 10.XI.2026
        f"{d:02d}-{ROMAN[m - 1]}-{yy}",  # 12-XI-26
        f"{d} {ROMAN[m - 1]} {y}",  # 10 XI 2026
        f"{en[:3]} {d}, {y}",  # Nov 10, 2026
        f"{en} {english_ordinal(d)} {y}",  # November 10th 2026
        f"{english_ordinal(d)} {en} {y}",  # 10th November 2026
        f"{english_ordinal(d)} of {en}, {y}",  # 10th of November, 2026
        f"{d} {fr} {yy}",  # 10 nov. 26
        f"{d} {FRENCH_MONTHS[m - 1]} {y}",  # 10 novembre 2026
    ]


def vault_only_forms(day) -> list[str]:
    """Shapes too ambiguous for a rule, found because they are the case's own date."""
    d, m, y, yy = day.day, day.month, day.year, f"{day.year % 100:02d}"
    en = ENGLISH_MONTHS[m - 1]
    return [
        f"{d:02d} {m:02d} {yy}",  # without "le" before it
        f"{d:02d}{m:02d}{y}",
        f"{d:02d}{m:02d}{yy}",
        f"{y}{m:02d}{d:02d}",
        f"{y} {m:02d} {d:02d}",
        f"{d:02d}{en[:3].lower()}",  # day and month, no year
        f"{english_ordinal(d)} of {en}",
        f"{d} {ROMAN[m - 1].lower()} {yy}",
    ]


def vault_dates(day) -> list[str]:
    """What the vault gives the scrubber for a birth on `day` (its real known_values)."""
    born = timezone.make_aware(datetime.combine(day, time(10, 30)))
    return IdentityVault(born_at=born).known_values()


def some_days():
    """Today, and a day in each stretch of the coming year (one- and two-digit days and months,
    the 1st with its "1er" and "1st")."""
    today = timezone.localdate()
    first = today.replace(day=1)
    return [today, first] + [today + timedelta(days=offset) for offset in range(9, 366, 23)]


def test_the_vault_date_is_found_in_every_common_format():
    for day in some_days():
        known = vault_dates(day)
        for form in general_forms(day) + vault_only_forms(day):
            text = f"Naissance {form} à 10h30."
            assert scrub(text, known) == "Naissance [DATE] à 10h30.", (day, form)
            found = [f for f in find_identifiers(text, known) if f.text == form]
            if not form.isdigit():  # an 8-digit run is also a record number: same span
                assert [(f.kind, f.signal) for f in found] == [("date", "known")], (day, form)


def test_a_date_with_its_year_is_found_in_these_formats_without_the_vault():
    for day in some_days():
        for form in general_forms(day):
            assert scrub(f"Revue le {form} à 10h30.") == "Revue le [DATE] à 10h30.", (day, form)


@pytest.mark.parametrize(
    "text",
    [
        "Naissance à 27 SA + 2 j, puis 27SA+2j chez le jumeau ; à 32 SA + 6 j.",
        "À J2, J+3 puis H+3, H6 et à 36 h de vie ; revu à J10 11 h.",
        "Apgar 4/7/9, Apgar 4 7 9, Apgar 8 9 10 ; Silverman 2 3 4.",
        "Poids 980 g, 3 250 g ; pH 7,25 ; lactates 12 11 10 mmol/l.",
        "Héparine 10 11 2000 UI ; Doliprane 1 cp 1000 mg ; CP 12500 UI.",
        "Pendant 10 11 12 min ; 3 x 20 ; G3 P2 ; 2 X 10 mg ; IV 2 fois par jour.",
        "En 2019 puis 2021 ; 1er trimestre ; au 1/3 inférieur ; TA 12 8 2010.",
        "Séries 1 2 3 4 5 6 ; poste 12 11 26 45.",
        "RDV @ 14h au CHU ; arrivée à 3 h ; le code de la porte est à droite.",
    ],
)
def test_clinical_notation_stays_with_or_without_the_vault_dates(text):
    assert scrub(text) == text
    assert scrub(text, vault_dates(timezone.localdate())) == text


def test_the_hour_after_a_written_date_is_not_taken_for_its_year():
    text = "Le 10 mai 15 h, puis le 10 mai 15h30, le 10 mai 15:30 et le 3 mars 20 min après."
    assert scrub(text) == (
        "Le [DATE] 15 h, puis le [DATE] 15h30, le [DATE] 15:30 et le [DATE] 20 min après."
    )


# --------------------------------------------------------------------------------------
# Record numbers glued to their label
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mère IPP884512, revue.", "Mère IPP[N° DOSSIER], revue."),
        ("NDA884512 ; ipp884512.", "NDA[N° DOSSIER] ; ipp[N° DOSSIER]."),
        ("IPP: 884512 ; IPP-884512.", "IPP: [N° DOSSIER] ; IPP-[N° DOSSIER]."),
        ("Dossier 884512 relu.", "Dossier [N° DOSSIER] relu."),
    ],
)  # fmt: skip
def test_the_vault_record_number_is_found_glued_to_its_label(text, expected):
    assert scrub(text, ["884512"]) == expected
    assert all(f.signal == "known" for f in find_identifiers(text, ["884512"]))


def test_a_record_number_glued_to_its_label_is_found_without_the_vault():
    assert scrub("Mère IPP884512, enfant NDA554433.") == (
        "Mère IPP[N° DOSSIER], enfant NDA[N° DOSSIER]."
    )


def test_a_vault_record_held_with_its_label_is_found_without_it():
    assert scrub("Étiquette 884512 au bracelet.", ["IPP884512"]) == (
        "Étiquette [N° DOSSIER] au bracelet."
    )


@pytest.mark.parametrize("text", ["IPP20mg le soir ; IPP40 mg/j ; IPPs ; dossier2."])
def test_a_dose_after_ipp_is_not_a_record_number(text):
    assert scrub(text) == text


# --------------------------------------------------------------------------------------
# A postcode left after an address
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Domicile : CP 94270.", "Domicile : CP [ADRESSE]."),
        ("Code postal : 94270, pas de véhicule.", "Code postal : [ADRESSE], pas de véhicule."),
        ("Vit 12 rue des Lilas 94270.", "Vit [ADRESSE]."),
        ("Vit 12 rue des Lilas, 94270, seule.", "Vit [ADRESSE], seule."),
        ("Vit 12 rue des Lilas 94270 Le Kremlin-Bicêtre.", "Vit [ADRESSE]."),
        ("Vit [ADRESSE] 94270.", "Vit [ADRESSE] [ADRESSE]."),
    ],
)
def test_a_postcode_after_an_address_or_its_label_is_removed(text, expected):
    assert scrub(text) == expected


def test_the_postcode_after_the_vault_address_goes_with_it():
    known = ["12 rue des Lilas 94270 Le Kremlin-Bicêtre"]
    assert scrub("Vit au 12, rue des lilas 94270.", known) == "Vit au [ADRESSE]."


@pytest.mark.parametrize(
    "text",
    ["1 cp 50000 ; CP 12500 UI ; plaquettes 94270 ; 12 rue des Lilas 12500 UI"],
)
def test_numbers_that_are_not_a_postcode_stay(text):
    assert "94270" in scrub(text) and "12500 UI" in scrub(text)


# --------------------------------------------------------------------------------------
# E-mail addresses with their "@" or dots disguised
# --------------------------------------------------------------------------------------

DISGUISED_EMAILS = [
    "jean.canari at example dot org",
    "jean.canari (at) example.org",
    "jean.canari @ example.org",
    "jean.canari[at]example[dot]org",
    "jean.canari arobase example point org",
    "Jean.Canari (AT) Example (DOT) org",
]


@pytest.mark.parametrize("email", DISGUISED_EMAILS)
def test_a_disguised_email_is_removed_with_or_without_the_vault(email):
    text = f"CR à envoyer à {email} ce soir."
    assert scrub(text) == "CR à envoyer à [EMAIL] ce soir."
    known = ["jean.canari@example.org"]
    assert scrub(text, known) == "CR à envoyer à [EMAIL] ce soir."
    assert [(f.kind, f.signal) for f in find_identifiers(text, known)] == [("email", "known")]


@pytest.mark.parametrize(
    "text", ["RDV @ 14h au CHU.", "Note @ relire ; voir point 3.", "RDV @ CMP point de contact."]
)
def test_an_at_sign_that_is_no_email_stays(text):
    assert scrub(text) == text


# --------------------------------------------------------------------------------------
# Through the service: the committee never reads the vault date in another shape
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_summary_holding_the_vault_birth_date_in_another_shape_cannot_be_validated(
    case_factory, coordinator
):
    day = timezone.localdate() - timedelta(days=3)
    born = timezone.make_aware(datetime.combine(day, time(10, 30)))
    case = case_factory(
        status="documenting", identity={"born_at": born, "died_at": born + timedelta(hours=5)}
    )
    written = f"{day:%d}{ENGLISH_MONTHS[day.month - 1][:3].upper()}{day:%Y}"
    summary = f"Enfant né le {written}, 27 SA + 2 j, décédé à H5."
    with pytest.raises(TransitionRefused, match="identifiants subsistent"):
        summary_save(case=case, by=coordinator, summary=summary, validate=True)
    case.refresh_from_db()
    assert case.summary_validated_at is None
