from django.urls import path

from staff import (
    accountability_views,
    application_views,
    fund_views,
    plan_views,
    platform_views,
    report_views,
    two_factor,
    views,
)

app_name = "staff"
urlpatterns = [
    path("inloggen/", views.StaffLoginView.as_view(), name="login"),
    path("uitloggen/", views.staff_logout, name="logout"),
    path("inloggen/code/", two_factor.two_factor, name="two_factor"),
    path(
        "inloggen/tweestapsverificatie/",
        two_factor.two_factor_setup,
        name="two_factor_setup",
    ),
    path("", views.start, name="start"),
    path("voorkeuren/", views.preferences, name="preferences"),
    path("nieuwe-dromen/", views.triage, name="triage"),
    path("dromen/", views.dream_list, name="dream_list"),
    path("dromen/selectie/", views.dream_bulk, name="dream_bulk"),
    path("dromen/export/", views.dream_export, name="dream_export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("dromen/<int:pk>/", views.dream_workspace, name="dream_workspace"),
    path("dromen/<int:pk>/oppakken/", views.pick_up, name="pick_up"),
    path("dromen/<int:pk>/fotos/<int:photo_pk>/", views.dream_photo, name="dream_photo"),
    path("dromen/<int:pk>/bericht/", views.dream_message, name="dream_message"),
    path("dromen/<int:pk>/notitie/", views.dream_note, name="dream_note"),
    path("dromen/<int:pk>/contact/", views.dream_contact, name="dream_contact"),
    path(
        "dromen/<int:pk>/werkpraktijk/<str:practice>/",
        views.dream_practice,
        name="dream_practice",
    ),
    path("dromen/<int:pk>/kernwaarden/", views.dream_review, name="dream_review"),
    path("dromen/<int:pk>/budget/", views.dream_grant, name="dream_grant"),
    path("dromen/<int:pk>/status/", views.dream_move, name="dream_move"),
    path(
        "dromen/<int:pk>/niet-mogelijk/",
        views.dream_propose_not_possible,
        name="dream_propose_not_possible",
    ),
    path("dromen/<int:pk>/overdragen/", views.dream_hand_over, name="dream_hand_over"),
    # The dream's plan (issue 17): what it needs, who covers it.
    path("dromen/<int:pk>/plan/behoefte/", plan_views.dream_plan_need, name="dream_plan_need"),
    path(
        "dromen/<int:pk>/plan/behoefte/<int:need_pk>/",
        plan_views.dream_plan_need_change,
        name="dream_plan_need_change",
    ),
    path(
        "dromen/<int:pk>/plan/behoefte/<int:need_pk>/verwijderen/",
        plan_views.dream_plan_need_remove,
        name="dream_plan_need_remove",
    ),
    path(
        "dromen/<int:pk>/plan/bijdrage/", plan_views.dream_contribution, name="dream_contribution"
    ),
    path(
        "dromen/<int:pk>/plan/bijdrage/<int:contribution_pk>/intrekken/",
        plan_views.dream_contribution_withdraw,
        name="dream_contribution_withdraw",
    ),
    path("besluiten/", views.decisions, name="decisions"),
    path("besluiten/<int:pk>/", views.decision_sign, name="decision_sign"),
    path("goedkeuringen/", views.approvals, name="approvals"),
    path("betalingen/", accountability_views.payments, name="payments"),
    path("betalingen/<int:pk>/betaald/", accountability_views.grant_paid, name="grant_paid"),
    path("verantwoording/", accountability_views.accountabilities, name="accountabilities"),
    path("verantwoording/<int:pk>/", accountability_views.accountability, name="accountability"),
    path(
        "verantwoording/bestanden/<int:pk>/",
        accountability_views.accountability_file,
        name="accountability_file",
    ),
    path("goedkeuringen/<int:pk>/", views.approval_decide, name="approval_decide"),
    path("werkvoorraad/", views.workload, name="workload"),
    path("aanvragen/", application_views.application_list, name="application_list"),
    path("aanvragen/<int:pk>/", application_views.application_detail, name="application_detail"),
    path(
        "aanvragen/<int:pk>/besluit/",
        application_views.application_decide,
        name="application_decide",
    ),
    path(
        "aanvragen/<int:pk>/kader/",
        application_views.application_frame_check,
        name="application_frame_check",
    ),
    path("rapportage/", report_views.report, name="report"),
    path("rapportage/csv/", report_views.report_csv, name="report_csv"),
    path("rapportage/pdf/", report_views.report_pdf, name="report_pdf"),
    path("fondsen/", fund_views.funds, name="funds"),
    path("wijkplatforms/", platform_views.platforms, name="platforms"),
    path(
        "wijkplatforms/uitnodigingen/<int:pk>/intrekken/",
        platform_views.platform_invitation_withdraw,
        name="platform_invitation_withdraw",
    ),
]
