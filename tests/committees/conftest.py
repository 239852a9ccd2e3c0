import pytest

from committees.models import Session
from tests.factories import CaseFactory


@pytest.fixture
def ready_case(maternity, clinician):
    return CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary="Nouveau-né de 27 SA + 2 j, décès à J2.",
    )


@pytest.fixture
def session(committee, secretary):
    return Session.objects.create(
        committee=committee,
        starts_at="2026-12-01T14:00:00+01:00",
        place="Salle du réseau",
        created_by=secretary,
    )
