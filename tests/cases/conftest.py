import pytest

from tests.factories import CaseFactory


@pytest.fixture
def case_factory(maternity, clinician):
    """Cases of the first network's maternity, declared by `clinician` unless told otherwise."""

    def make(**kwargs):
        kwargs.setdefault("organisation", maternity)
        kwargs.setdefault("territory", maternity.parent or maternity)
        kwargs.setdefault("declared_by", clinician)
        return CaseFactory(**kwargs)

    return make
