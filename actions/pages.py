"""Pages of the actions app (pages): to be built."""

urlpatterns: list = []
