"""The declaration form's one-time token is kept with the draft it created: the same form sent
twice creates one draft, even at the same instant from two requests (the session, where it was
kept before, is not shared between them), and the case numbering keeps no gap."""

import threading

import pytest
from django.db import connection

from cases.models import Case
from cases.services.cases import case_create_draft_once

TOKEN = "jeton-du-formulaire-0123456789"


def create(clinician, maternity, token=TOKEN):
    return case_create_draft_once(
        organisation=maternity,
        by=clinician,
        facts={"outcome": "live_birth_death"},
        identity={},
        token=token,
    )


@pytest.mark.django_db
def test_the_same_token_gives_the_first_draft(clinician, maternity):
    first, created = create(clinician, maternity)
    again, created_again = create(clinician, maternity)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    other, created_other = create(clinician, maternity, token="un-autre-formulaire")
    assert created_other and other.pk != first.pk
    assert Case.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_at_the_same_instant_creates_one_draft(clinician, maternity):
    start = threading.Barrier(3)
    results, errors = [], []

    def send():
        try:
            start.wait(10)
            results.append(create(clinician, maternity))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(created for _case, created in results) == [False, False, True]
    assert {case.pk for case, _created in results} == set(Case.objects.values_list("pk", flat=True))
    assert Case.objects.count() == 1
    # The numbers taken by the requests that gave up went back: the next draft follows on.
    following, _created = create(clinician, maternity, token="le-formulaire-suivant")
    first = Case.objects.exclude(pk=following.pk).get()
    assert int(following.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token", ["a\x00b-0123456789", "court", "x" * 65, "<script>jeton</script>"]
)
def test_a_token_of_another_shape_is_ignored_never_a_server_error(clinician, maternity, token):
    first, created = create(clinician, maternity, token=token)
    second, created_again = create(clinician, maternity, token=token)
    assert created and created_again and first.pk != second.pk
    assert first.declaration_token is None
