"""The signed-in navigation's knowledge of a person's place (templates/base.html)."""

from django import template

from accounts.auth import TERMS_SESSION_KEY
from accounts.models import MCOMembership
from accounts.selectors import mco_membership_for_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def mco_membership_for_nav(context: template.Context) -> MCOMembership | None:
    """The MCO user's membership (their MCO's links instead of a provider's), without a query on other pages."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return None
    session = getattr(request, "session", None)
    terms_version = session.get(TERMS_SESSION_KEY) if session is not None else None
    return mco_membership_for_navigation(user=request.user, terms_version=terms_version)
