"""View markers read by the middleware."""

from collections.abc import Callable

from django.http import HttpResponse


def terms_gate_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in user may open this view before accepting the terms of use (the terms and privacy texts,
    the acceptance page itself, recovery codes just after enrollment). The second-factor check still applies.
    """
    view.terms_gate_exempt = True  # type: ignore[attr-defined]
    return view
