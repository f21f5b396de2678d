"""Open data's pages: Hoe doen we het? (issue 19)."""

app_name = "dashboard"
urlpatterns = []
