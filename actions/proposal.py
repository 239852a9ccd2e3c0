"""Pages of the actions app (proposal): to be built."""

urlpatterns: list = []
