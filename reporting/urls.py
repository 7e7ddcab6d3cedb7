from django.urls import path

from reporting import downloads, views

app_name = "reporting"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("data.csv", downloads.data_csv, name="data_csv"),
    path("data.json", downloads.data_json, name="data_json"),
    path("datapackage.json", downloads.datapackage, name="datapackage"),
    path("methodology/", views.methodology, name="methodology"),
]
