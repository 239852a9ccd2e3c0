"""Pages of the actions app (dashboard): to be built."""

urlpatterns: list = []
