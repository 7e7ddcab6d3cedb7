"""No PHI oracle in the staff admin (issue 16 item 3).

The probes are generated from the models, not picked by hand: every lookup Django knows for every concrete field of
a complaint and of every model one relation away (``subject__icontains``, ``description__gte``, ``claims__rin__exact``,
``events__note__startswith``, ``attachments__original_name__regex``, ...), for every staff group. Each must answer
400 and leave an audit row naming the field tried (never the value). The filters the page offers still work.
"""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.test import Client, RequestFactory

from accounts import roles
from accounts.admin_lookups import REFUSED
from accounts.models import AuditEvent
from accounts.services.users import staff_user_create
from complaints.models import Complaint
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
QUEUE = "/admin/complaints/complaint/"
VALUE = "canary-value-typed"  # what a prober types; it must never reach the audit log


def lookups_of(field) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(field.get_lookups())


def probes(model, prefix: str = "") -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(parameter, field path) for every lookup on every concrete field of ``model``."""
    return [
        (f"{prefix}{field.name}__{lookup}", f"{prefix}{field.name}")
        for field in model._meta.concrete_fields
        for lookup in lookups_of(field)
    ]


def complaint_probes() -> list[tuple[str, str]]:
    """A complaint's own fields, and the fields of every model it points at or that points at it."""
    found = probes(Complaint)
    for relation in Complaint._meta.get_fields():
        if not relation.is_relation or relation.related_model is None:
            continue
        found += probes(relation.related_model, prefix=f"{relation.name}__")  # the query name, both directions
    return found


def staff(group: str):  # type: ignore[no-untyped-def]
    email = re.sub(r"\W+", ".", group.lower()) + "@hfs.example"
    user = staff_user_create(email=email, full_name=group, password=None, group_name=group)
    return user, sign_in(Client(), user)


def refused_ids(user) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(AuditEvent.objects.filter(action=REFUSED, actor=user).values_list("object_id", flat=True))


@pytest.fixture
def complaint():  # type: ignore[no-untyped-def]
    return submit(RepresentativeFactory().user, subject="Dialysis canary subject", description="Canary description.")


def offered_by_the_page(model_admin, request) -> set[str]:  # type: ignore[no-untyped-def]
    """What Django's own filters on the list put in its address (the only parameters a list may accept)."""
    changelist = model_admin.get_changelist_instance(request)
    offered = {parameter for spec in changelist.filter_specs for parameter in spec.expected_parameters()}
    if model_admin.date_hierarchy:
        offered |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return offered


@pytest.mark.parametrize("group", roles.STAFF_GROUPS)
def test_every_lookup_on_every_complaint_field_is_refused_and_audited(group, complaint):
    user, client = staff(group)
    request = request_for(user)
    model_admin = admin.site._registry[Complaint]
    tried = complaint_probes()
    assert ("subject__icontains", "subject") in tried and ("description__gte", "description") in tried
    assert ("claims__rin__exact", "claims__rin") in tried and ("events__note__startswith", "events__note") in tried
    assert ("attachments__original_name__regex", "attachments__original_name") in tried
    # Every lookup type, as the list asks before it filters by anything: only what its own filters offer passes.
    offered = offered_by_the_page(model_admin, request)
    accepted = {parameter for parameter, _ in tried if model_admin.lookup_allowed(parameter, VALUE, request)}
    assert accepted <= offered
    hidden = {field.name for field in hidden_fields(model_admin, user)}
    assert not {parameter for parameter in accepted if parameter.split("__")[0] in hidden}
    # Through the address, once for every field (one lookup each, a different one each time): 400 and recorded.
    paths = {}
    for parameter, path in tried:
        if parameter not in offered:
            paths.setdefault(path, []).append(parameter)
    answers = {}
    for n, (_path, parameters) in enumerate(sorted(paths.items())):
        parameter = parameters[n % len(parameters)]
        answers[parameter] = client.get(QUEUE, {parameter: VALUE}).status_code
    assert {parameter: status for parameter, status in answers.items() if status != 400} == {}
    assert refused_ids(user) == sorted(paths)
    events = AuditEvent.objects.filter(action=REFUSED, actor=user)
    assert set(events.values_list("object_type", flat=True)) == {"complaints.complaint"}
    assert not any(VALUE in str(values) for values in events.values_list())


def test_the_refusal_tells_staff_what_happened_and_what_to_do(complaint):
    _, client = staff(roles.REPORTING)
    response = client.get(QUEUE, {"reference": complaint.reference, "description__gte": "C"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be filtered that way" in page and "only with the filters beside it and the search box" in page
    assert "recorded in the audit log" in page and complaint.reference not in page


def request_for(user):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return request


def hidden_fields(model_admin, user) -> list:  # type: ignore[no-untyped-def]
    """The concrete fields of the model that neither the user's change page nor the list shows (the row id is in
    the page's address)."""
    request = request_for(user)
    shown = set(flatten_fieldsets(model_admin.get_fieldsets(request))) | set(model_admin.get_list_display(request))
    model = model_admin.model
    return [field for field in model._meta.concrete_fields if field.name not in shown and field != model._meta.pk]


@pytest.mark.parametrize("group", roles.STAFF_GROUPS)
def test_no_admin_list_filters_by_a_field_its_page_hides_from_the_group(group):
    """Every model registered in the admin (users, organizations, invitations, the audit log, e-mails...)."""
    user, client = staff(group)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request_for(user)):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for field in hidden_fields(model_admin, user):
            for lookup in lookups_of(field):
                response = client.get(url, {f"{field.name}__{lookup}": VALUE})
                assert response.status_code == 400, (url, field.name, lookup)
                checked += 1
    if group == roles.SUPERVISOR:
        assert checked > 0  # at least users' password hashes and invitations' secrets are hidden from them


def filter_links(page: str) -> list[str]:
    sidebar = page[page.index('id="changelist-filter"') :]
    return sorted({unescape(href) for href in re.findall(r'href="(\?[^"]*)"', sidebar)})


@pytest.mark.parametrize("group", roles.STAFF_GROUPS)
def test_every_filter_and_sort_the_page_offers_still_works(group, complaint):
    user, client = staff(group)
    page = client.get(QUEUE).content.decode()
    links = filter_links(page)
    assert any("status__exact=" in link for link in links) and any("submitted_at__gte=" in link for link in links)
    headers = re.findall(r'<th[^>]*>\s*<div class="text"><a href="(\?o=[^"]*)"', page)
    sorts = sorted({unescape(href) for href in headers})
    assert sorts
    for link in links + sorts:
        response = client.get(QUEUE + link)
        assert response.status_code == 200, link
    assert refused_ids(user) == []
    submitted = client.get(QUEUE, {"status__exact": "submitted"}).content.decode()
    closed = client.get(QUEUE, {"status__exact": "closed"}).content.decode()
    assert complaint.reference in submitted and complaint.reference not in closed


@pytest.mark.parametrize("group", roles.STAFF_GROUPS)
def test_no_column_sorts_by_a_field_the_group_may_not_see(group):
    user, _ = staff(group)
    model_admin = admin.site._registry[Complaint]
    hidden = {field.name for field in hidden_fields(model_admin, user)} - {"id"}
    changelist = model_admin.get_changelist_instance(request_for(user))
    for column in model_admin.get_list_display(request_for(user)):
        ordering = changelist.get_ordering_field(column)
        if ordering is None:
            continue
        ordering = getattr(ordering, "name", ordering)  # an F() expression
        assert str(ordering).split("__")[0] not in hidden, column


def test_the_reporting_group_reads_no_hidden_field_through_the_other_doors(complaint):
    user, client = staff(roles.REPORTING)
    # `_to_field` names a hidden field: refused and recorded like a lookup.
    response = client.get(QUEUE, {"_to_field": "subject", "_popup": "1"})
    assert response.status_code == 400
    assert refused_ids(user) == ["subject"]
    # The search box does not read subjects, descriptions or RINs for this group.
    for term in ("Dialysis", "canary", "123456789"):
        assert complaint.reference not in client.get(QUEUE, {"q": term}).content.decode(), term
    # The autocomplete answers with references only (a complaint's name is its reference), searched the same way.
    autocomplete = "/admin/autocomplete/"
    params = {"app_label": "complaints", "model_name": "affectedclaim", "field_name": "complaint"}
    for term in ("Dialysis", "123456789"):
        response = client.get(autocomplete, {**params, "term": term})
        assert response.status_code in (200, 403) and complaint.reference not in response.content.decode()
    response = client.get(autocomplete, {**params, "term": complaint.reference})
    if response.status_code == 200:
        assert [r["text"] for r in response.json()["results"]] == [complaint.reference]
    # The history page and the complaint page name the complaint by its reference only.
    for url in (f"{QUEUE}{complaint.pk}/history/", f"{QUEUE}{complaint.pk}/change/"):
        page = client.get(url).content.decode()
        assert complaint.reference in page and "Dialysis" not in page and "Canary" not in page, url
