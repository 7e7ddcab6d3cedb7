from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("organization/", views.organization_list_view, name="organization_list"),
    path("new/", views.new_view, name="new"),
    path("new/complaint/", views.new_complaint_view, name="new_complaint"),
    path("new/another/", views.another_view, name="another"),
    path("claim-lines-template.csv", views.claims_template_view, name="claims_template"),
    path("files/<uuid:public_id>/", views.attachment_download_view, name="attachment_download"),
    path("<uuid:public_id>/", views.detail_view, name="detail"),
    path("<uuid:public_id>/submitted/", views.submitted_view, name="submitted"),
    path("<uuid:public_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<uuid:public_id>/answer/", views.answer_view, name="answer"),
    path("<uuid:public_id>/reply/", views.reply_view, name="reply"),
    path("<uuid:public_id>/extension/", views.extension_view, name="extension"),
]
# MCO users get 404 on every provider page (complaints.views.provider_pages).
urlpatterns = views.provider_pages(urlpatterns)
