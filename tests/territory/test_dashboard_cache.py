"""The dashboard's aggregates are computed once per scope, filters and language for a few
minutes (a shared cache in production): the second view runs none of the aggregate queries,
another scope or other filters get their own figures, and the page says when they were
computed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "territory-dashboard-test",
    }
}


def count_queries(client, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("territory:dashboard"), params or {})
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


@override_settings(CACHES=LOCAL_CACHE)
def test_the_second_view_reuses_the_figures_of_the_same_scope(
    client, maternity, clinician, quality_manager, coordinator
):
    from django.core.cache import cache

    cache.clear()
    CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    client.force_login(quality_manager)
    first, page = count_queries(client)
    again, page_again = count_queries(client)
    assert "Chiffres calculés à" in page_again
    assert again < first - 5  # the aggregates are not run again
    assert 'id="computed-at"' in page and "Chiffres calculés à" in page
    # Other filters: their own figures.
    filtered, _page = count_queries(client, {"level": "3"})
    assert filtered > again + 5  # computed, not taken from the cache
    # Another user of the same organisations shares them; the page is still theirs.
    client.force_login(coordinator)
    shared, _page = count_queries(client)
    assert shared < first - 5  # the same figures, not computed again
    cache.clear()
