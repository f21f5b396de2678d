"""Open data's pages: about the open data and its downloads (issue 19)."""

app_name = "opendata"
urlpatterns = []
