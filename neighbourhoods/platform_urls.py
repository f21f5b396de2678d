"""The neighbourhood platforms' pages, under /wijken/ (neighbourhoods/urls.py)."""

from django.urls import path

from neighbourhoods import platform_views as views

urlpatterns = [
    path("", views.platform_list, name="platform_list"),
    path("uitnodiging/<str:token>/", views.platform_invitation, name="platform_invitation"),
    path("<slug:slug>/", views.platform_detail, name="platform_detail"),
    path("<slug:slug>/leden/", views.platform_members, name="platform_members"),
    path("<slug:slug>/verlaten/", views.platform_leave, name="platform_leave"),
    path("<slug:slug>/agenda/", views.agenda_edit, name="agenda_edit"),
    path("<slug:slug>/agenda/<int:pk>/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<slug:slug>/agenda/<int:pk>/volgorde/", views.agenda_item_move, name="agenda_item_move"),
    path("<slug:slug>/agenda/<int:pk>/klaar/", views.agenda_item_done, name="agenda_item_done"),
    path(
        "<slug:slug>/agenda/<int:pk>/dromen/",
        views.agenda_item_dreams,
        name="agenda_item_dreams",
    ),
    path("<slug:slug>/uitnodigen/", views.platform_invite, name="platform_invite"),
    path(
        "<slug:slug>/uitnodigingen/<int:pk>/intrekken/",
        views.platform_invitation_withdraw,
        name="platform_invitation_withdraw",
    ),
]
