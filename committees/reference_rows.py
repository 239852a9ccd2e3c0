"""The active reference rows the review form offers (ICD-PM groups, maternal conditions, delays,
pathway stages, ALARM items): five tables that change a few times a year, read on every review
screen of the chair and secretary. Kept per process RMM_REFERENCE_ROWS_CACHE_SECONDS for the
form's display only: a posted form is validated against rows read from the database. Labels,
never a case's data."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from .models import AlarmItem, Delay, IcdPmGroup, MaternalCondition, PathwayStage
from .models.reference import AlarmCategory


@dataclass(frozen=True)
class ReviewReferenceRows:
    icd_pm_groups: list[IcdPmGroup]
    maternal_conditions: list[MaternalCondition]
    delays: list[Delay]
    pathway_stages: list[PathwayStage]
    alarm_items: list[AlarmItem]


_kept: tuple[float, ReviewReferenceRows] | None = None


def _read() -> ReviewReferenceRows:
    return ReviewReferenceRows(
        icd_pm_groups=list(IcdPmGroup.objects.filter(is_active=True)),
        maternal_conditions=list(MaternalCondition.objects.filter(is_active=True)),
        delays=list(Delay.objects.filter(is_active=True)),
        pathway_stages=list(PathwayStage.objects.filter(is_active=True)),
        alarm_items=list(AlarmItem.objects.filter(is_active=True).select_related("category")),
    )


def review_reference_rows(*, fresh: bool = False) -> ReviewReferenceRows:
    """The active rows of each table, in their order; `fresh` reads them from the database
    (what a posted form is checked against)."""
    global _kept
    seconds = settings.RMM_REFERENCE_ROWS_CACHE_SECONDS
    if fresh or seconds <= 0:
        return _read()
    now = time.monotonic()
    kept = _kept
    if kept is None or now - kept[0] >= seconds:
        kept = _kept = (now, _read())
    return kept[1]


def forget_reference_rows(**_kwargs) -> None:
    """A reference row changed in this process (the admin): read them again next time."""
    global _kept
    _kept = None


for _model in (AlarmCategory, AlarmItem, Delay, IcdPmGroup, MaternalCondition, PathwayStage):
    post_save.connect(forget_reference_rows, sender=_model, dispatch_uid=f"reference:{_model}")
    post_delete.connect(forget_reference_rows, sender=_model, dispatch_uid=f"reference-d:{_model}")
