"""The idle-session warning's "Stay signed in" (issue 16 item 13, WCAG 2.2.1)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.decorators import terms_gate_exempt


@never_cache
@terms_gate_exempt
@require_POST
def keep_alive_view(request: HttpRequest) -> HttpResponse:
    """Signed in (the sign-in wall answers anyone else): the session is written now, so its idle limit starts again
    from this moment (accounts/sessions.py). 204 keeps the browser on its page."""
    request.session.modified = True
    return HttpResponse(status=204)
