"""URL routing: one include per app; error handlers render French pages that echo nothing."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cas/", include("cases.urls")),
    path("seances/", include("committees.urls")),
    path("actions/", include("actions.urls")),
    path("notifications/", include("notifications.urls")),
    path("territoire/", include("territory.urls")),
    path("", include("accounts.urls")),
]

handler400 = "rmm.views.bad_request"
handler403 = "rmm.views.permission_denied"
handler404 = "rmm.views.page_not_found"
handler500 = "rmm.views.server_error"
