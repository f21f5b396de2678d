"""Open data's pages: realised dreams of other installations (Elders gelukt) (issue 19)."""

app_name = "peers"
urlpatterns = []
