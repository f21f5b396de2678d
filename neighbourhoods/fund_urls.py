"""The funds' public pages (issue 16): which funds take applications, and each fund's page."""

from django.urls import path

from neighbourhoods import fund_views

urlpatterns = [
    path("", fund_views.fund_list, name="fund_list"),
    path("<int:pk>/", fund_views.fund_detail, name="fund_detail"),
]
