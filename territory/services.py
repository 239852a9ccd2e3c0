"""Writing live births: the CSV import of the administrators (every line checked first, each bad
line reported in French, nothing imported if one is bad) and the admin's single entry."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import organisations_managed_by

from .models import FIRST_YEAR, MAX_LIVE_BIRTHS, LiveBirths

MAX_BYTES = 1_000_000
MAX_LINES = 5_000
SOURCE_MAX = LiveBirths._meta.get_field("source").max_length
NUMBER = re.compile(r"[0-9]{1,7}")


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _decode(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _organisation_lookup(user):
    """Organisations the user manages, by FINESS number and by name (case-insensitive)."""
    by_finess, by_name = {}, {}
    for pk, name, finess in organisations_managed_by(user).values_list("pk", "name", "finess"):
        if finess:
            by_finess[finess.strip().upper()] = pk
        by_name[name.strip().casefold()] = pk
    return by_finess, by_name


# A first line of headers names its year column; any other first line is data, checked as
# such (a year typed "2O20" is an error to report, not a header to skip).
YEAR_HEADER = re.compile(r"ann[ée]e|annee|year|exercice", re.IGNORECASE)


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and bool(YEAR_HEADER.search(cells[1]))


def _split(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _line_error(number: int, problems: list[str]) -> str:
    return _("Ligne %(line)s : %(problems)s.") % {
        "line": number,
        "problems": " ; ".join(problems),
    }


@transaction.atomic
def live_births_import(*, content: bytes, by) -> ImportResult:
    """Columns: organisation (FINESS number or name); year; live births; source. A figure already
    entered for the organisation and year is replaced (its source with it)."""
    result = ImportResult()
    if len(content) > MAX_BYTES:
        result.errors.append(_("Fichier trop volumineux (1 Mo au plus)."))
        return result
    text = _decode(content)
    if text is None:
        result.errors.append(_("Fichier illisible : enregistrez-le en CSV (UTF-8)."))
        return result
    try:
        lines = _split(text)
    except csv.Error:
        result.errors.append(_("Fichier illisible : enregistrez-le en CSV (UTF-8)."))
        return result
    if len(lines) > MAX_LINES:
        result.errors.append(_("Au plus %(count)s lignes par fichier.") % {"count": MAX_LINES})
        return result
    by_finess, by_name = _organisation_lookup(by)
    this_year = timezone.localdate().year
    wanted: dict[tuple[int, int], tuple[int, int, str]] = {}  # -> (line, count, source)
    line_errors: dict[int, str] = {}  # reported in the order of the lines
    for number, cells in enumerate(lines, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if number == 1 and _is_header(cells):
            continue
        problems = []
        if len(cells) != 4:
            line_errors[number] = _(
                "Ligne %(line)s : 4 colonnes attendues (organisation ; année ; naissances ; "
                "source), %(count)s trouvées."
            ) % {"line": number, "count": len(cells)}
            continue
        organisation, year, count, source = (cell.strip() for cell in cells)
        organisation_id = by_finess.get(organisation.upper()) or by_name.get(
            organisation.casefold()
        )
        if organisation_id is None:
            problems.append(
                _("organisation « %(name)s » inconnue ou hors de votre territoire")
                % {"name": organisation[:80]}
            )
        if not NUMBER.fullmatch(year) or not FIRST_YEAR <= int(year) <= this_year:
            problems.append(
                _("année « %(year)s » invalide (de %(first)s à %(last)s)")
                % {"year": year[:10], "first": FIRST_YEAR, "last": this_year}
            )
        if not NUMBER.fullmatch(count) or int(count) > MAX_LIVE_BIRTHS:
            problems.append(
                _("nombre de naissances « %(count)s » invalide (un entier positif)")
                % {"count": count[:10]}
            )
        if not source:
            problems.append(_("source manquante"))
        elif len(source) > SOURCE_MAX:
            problems.append(
                _("source trop longue (%(max)s caractères au plus)") % {"max": SOURCE_MAX}
            )
        if not problems and (organisation_id, int(year)) in wanted:
            problems.append(_("cette organisation et cette année figurent déjà plus haut"))
        if problems:
            line_errors[number] = _line_error(number, problems)
            continue
        wanted[(organisation_id, int(year))] = (number, int(count), source)
    existing = {
        (row.organisation_id, row.year): row
        for row in LiveBirths.objects.select_related("organisation").filter(
            organisation_id__in={org for org, _year in wanted},
            year__in={year for _org, year in wanted},
        )
    }
    organisations = Organisation.objects.in_bulk({org for org, _year in wanted})
    rows = []
    # The model's own rules (a maternity, a count of at least one, a source that names no one,
    # stored normalised), as in the admin: every line checked before anything is written.
    for (organisation_id, year), (number, count, source) in wanted.items():
        row = existing.get((organisation_id, year)) or LiveBirths(
            organisation=organisations[organisation_id], year=year
        )
        row.count, row.source, row.entered_by = count, source, by
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems = [m for messages in error.message_dict.values() for m in messages]
            line_errors[number] = _line_error(number, [m.rstrip(".") for m in problems])
            continue
        rows.append(row)
    result.errors.extend(line_errors[number] for number in sorted(line_errors))
    if not wanted and not result.errors:
        result.errors.append(_("Le fichier ne contient aucune ligne de données."))
    if result.errors:
        return result
    for row in rows:
        if row.pk is None:
            result.created += 1
        else:
            result.updated += 1
        row.save()
    return result


def organisations_for_entry(user):
    """The maternities whose live births the user may enter (the admin's choice list; the
    model refuses any other organisation, whatever the route)."""
    return Organisation.objects.filter(
        pk__in=organisations_managed_by(user).values("pk"), kind=Organisation.Kind.MATERNITY
    )
