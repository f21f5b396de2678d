from django.urls import path

from residents import accountability_views, privacy_views, story_views, views

app_name = "residents"
urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.sign_in, name="sign_in"),
    path("inloggen/verstuurd/", views.sign_in_sent, name="sign_in_sent"),
    path("inloggen/link/", views.sign_in_link, name="sign_in_link"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("dromen/nieuw/", views.dream_create, name="dream_create"),
    path("adres/", views.address_lookup, name="address_lookup"),
    path("dromen/nieuw/bevestig-je-mail/", views.dream_check_mail, name="dream_check_mail"),
    path("dromen/<int:pk>/bevestigen/", views.dream_confirm, name="dream_confirm"),
    path("dromen/<int:pk>/ingediend/", views.dream_submitted, name="dream_submitted"),
    path("mijn-dromen/", views.my_dreams, name="my_dreams"),
    path("mijn-dromen/<int:pk>/", views.dream_detail, name="dream_detail"),
    path("mijn-dromen/<int:pk>/bericht/", views.dream_message, name="dream_message"),
    path("mijn-dromen/<int:pk>/intrekken/", views.dream_withdraw, name="dream_withdraw"),
    path(
        "mijn-dromen/<int:pk>/links-intrekken/",
        views.dream_links_revoke,
        name="dream_links_revoke",
    ),
    path("mijn-dromen/<int:pk>/wijkplatform/", views.dream_share, name="dream_share"),
    path(
        "mijn-dromen/<int:pk>/partners/",
        views.dream_share_partners,
        name="dream_share_partners",
    ),
    path("mijn-dromen/<int:pk>/verhaal/", story_views.story_share, name="story_share"),
    path("mijn-dromen/<int:pk>/verhaal/fotos/", story_views.story_photos, name="story_photos"),
    path(
        "mijn-dromen/<int:pk>/verhaal/niet-meer-delen/",
        story_views.story_withdraw,
        name="story_withdraw",
    ),
    path("droom/bericht/", views.dream_link_message, name="dream_link_message"),
    path("droom/link-werkt-niet/", views.dream_link_refused, name="dream_link_refused"),
    path("droom/<str:token>/", views.dream_link, name="dream_link"),
    path("mijn-dromen/<int:pk>/fotos/<int:photo_pk>/", views.dream_photo, name="dream_photo"),
    path(
        "mijn-dromen/<int:pk>/aanvragen/<int:application_pk>/verantwoording/",
        accountability_views.application_accountability,
        name="application_accountability",
    ),
    path(
        "verantwoording/bestanden/<int:pk>/",
        accountability_views.accountability_file,
        name="accountability_file",
    ),
    path(
        "mijn-gegevens/meldingen/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path("mijn-gegevens/", privacy_views.my_data, name="my_data"),
    path("mijn-gegevens/download.json", privacy_views.my_data_download, name="my_data_download"),
    path("mijn-gegevens/overzicht/", privacy_views.my_data_overview, name="my_data_overview"),
    path("mijn-gegevens/verwijderen/", privacy_views.my_data_erase, name="my_data_erase"),
    path("mijn-gegevens/verwijderd/", privacy_views.my_data_erased, name="my_data_erased"),
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
