"""Open data's pages: realised dreams as stories (issue 19)."""

from django.urls import path

from opendata import story_views

app_name = "stories"
urlpatterns = [
    path("verhalen/", story_views.gallery, name="gallery"),
    path("verhalen/feed/", story_views.feed, name="feed"),
    path("verhalen/<int:pk>/", story_views.story, name="story"),
    path("verhalen/<int:pk>/fotos/<int:photo_pk>/", story_views.photo, name="photo"),
]
