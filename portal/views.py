"""Public pages of the portal shell: home, help, privacy, terms, health and error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import health
from portal.decorators import terms_gate_exempt


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"nav_current": "home"})


@login_not_required
@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html", {"nav_current": "help"})


@login_not_required
@terms_gate_exempt
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@login_not_required
@terms_gate_exempt
@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    context = {
        "terms_template": f"accounts/terms/{settings.PORTAL_TERMS_VERSION}.html",
        "terms_version": settings.PORTAL_TERMS_VERSION,
    }
    return render(request, "portal/terms.html", context)


@login_not_required
@terms_gate_exempt
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """No icon yet: answer browsers' automatic request without an error (pages declare an empty icon)."""
    return HttpResponse(status=204)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no database, cache or broker."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache and (when configured) broker answer; 503 names what does not."""
    checks = health.readiness()
    ready = all(result in ("ok", "skipped") for result in checks.values())
    failing = [name for name, result in checks.items() if result not in ("ok", "skipped")]
    body = {"status": "ok" if ready else "unavailable", "checks": checks, "failing": failing}
    return JsonResponse(body, status=200 if ready else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors or the database: whatever broke may be one of them.
    return HttpResponse(loader.get_template("500.html").render({"ffs_phone": settings.PORTAL_FFS_PHONE}), status=500)
