"""URLs of the actions app: each page module declares its own `urlpatterns`."""

from . import dashboard, pages, proposal

app_name = "actions"

urlpatterns = [*pages.urlpatterns, *proposal.urlpatterns, *dashboard.urlpatterns]
