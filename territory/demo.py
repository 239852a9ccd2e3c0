"""Demo live births: for each demo maternity, every year in which a demo case died (and the year
before, for a comparison), entered by the network's administrator with a stated source.
Idempotent: a figure already there is left as it is. The observer account is in accounts.demo."""

from django.db import transaction
from django.utils import timezone

from accounts.demo import MATERNITY_LIME, MATERNITY_SOUTH
from accounts.models import Organisation, User
from cases.models import Case

from .models import LiveBirths

# Births a year: a level-3 maternity and a small level-1 one.
YEARLY_BIRTHS = {MATERNITY_SOUTH: 3_850, MATERNITY_LIME: 920}
SOURCE = "PMSI-MCO (démo)"


@transaction.atomic
def load() -> dict[str, int]:
    created = 0
    administrator = User.objects.filter(email="admin@rmm-demo.fr").first()
    if administrator is None:
        return {"live_births": 0}
    maternities = Organisation.objects.filter(name__in=YEARLY_BIRTHS)
    years = set(
        Case.objects.filter(organisation__in=maternities, death_year__isnull=False).values_list(
            "death_year", flat=True
        )
    ) or {timezone.localdate().year}
    years |= {min(years) - 1}
    for organisation in maternities:
        for year in sorted(years):
            # A few births more or less each year, so that the figures do not look copied.
            count = YEARLY_BIRTHS[organisation.name] + (year % 7) * 13
            _row, was_created = LiveBirths.objects.get_or_create(
                organisation=organisation,
                year=year,
                defaults={"count": count, "source": SOURCE, "entered_by": administrator},
            )
            created += was_created
    return {"live_births": created}
