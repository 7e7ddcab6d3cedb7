"""Handing out one file the caller's selector has authorized, for the provider's and the MCO's download views."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from complaints import services
from complaints.models import Attachment


def attachment_response(request: HttpRequest, attachment: Attachment, *, back_url: str) -> HttpResponse:
    """The file as a download (integrity-checked and audited by the service; nosniff, never cached), or a page
    saying why it cannot be had yet, with a link back to the person's list (DESIGN §6.3)."""
    try:
        handle = services.attachment_open_for_download(attachment=attachment, user=request.user, request=request)
    except services.FileNotAvailable as refusal:
        status = 409 if refusal.reason == "integrity" else 403
        context = {"attachment": attachment, "reason": refusal.reason, "back_url": back_url}
        return render(request, "complaints/file_unavailable.html", context, status=status)
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
