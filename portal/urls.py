from django.contrib import admin
from django.urls import path

from portal import views

admin.site.site_header = "HFS MCO Complaint Portal — staff"
admin.site.site_title = "HFS MCO Complaint Portal staff"
admin.site.index_title = "Triage and reference data"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
