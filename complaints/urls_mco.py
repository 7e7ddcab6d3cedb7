"""The MCO's pages (DESIGN §11), under /mco/ (the team page, /mco/team/, is accounts')."""

from django.urls import path

from complaints import views_mco

app_name = "mco"

urlpatterns = [
    path("", views_mco.queue_view, name="queue"),
    path("export.csv", views_mco.export_view, name="export"),
    path("files/<uuid:public_id>/", views_mco.attachment_download_view, name="attachment_download"),
    path("<uuid:public_id>/", views_mco.detail_view, name="detail"),
    path("<uuid:public_id>/proposal/", views_mco.proposal_view, name="proposal"),
    path("<uuid:public_id>/update/", views_mco.interim_view, name="interim"),
    path("<uuid:public_id>/extension/", views_mco.extension_view, name="extension"),
]
