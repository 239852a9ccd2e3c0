"""Project-level views: health probe and the French error pages."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker both answer, 503 otherwise; names no secret."""
    status = {
        "database": "ok" if health.database_is_up() else "unavailable",
        "broker": "ok" if health.broker_is_up() else "unavailable",
    }
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **status}, status=200 if healthy else 503
    )


def csrf_failure(request, reason=""):
    """A tampered or expired form: say so in French, change nothing."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors, no request data: an error page must never echo what failed, and
    # must still render when the database is what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
