"""A URLconf with a view that fails, to see what a visitor gets from an unexpected error."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from portal.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


@login_not_required
def crash(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


urlpatterns = [*urlpatterns, path("crash/", crash)]
