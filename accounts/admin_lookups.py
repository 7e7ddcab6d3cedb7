"""Admin lists filter only the way their own filters do (issue 16 item 3; DESIGN §5 and §6.2).

By default Django's admin accepts a lookup on any of a model's own fields in the list's address, so
``?subject__icontains=dialysis`` answers how many complaints match even for staff who may not see subjects, and
``?description__gte=…`` reads a hidden description a character at a time. Here a list accepts only the parameters
its own filters (``list_filter``, ``date_hierarchy``) put in the address, for every staff group. Anything else
answers 400 with a plain explanation and is recorded in the audit log as an attempt (which field was tried; never
the value typed). The same goes for a refused ``_to_field``.
"""

from django.contrib.admin import FieldListFilter, ListFilter
from django.contrib.admin.exceptions import DisallowedModelAdminLookup, DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import IGNORED_PARAMS
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.audit import audit_record

REFUSED = "admin.lookup_refused"


def filter_parameters(model_admin, request: HttpRequest) -> frozenset[str]:  # type: ignore[no-untyped-def]
    """The query-string parameters the page's own filters generate; nothing else may filter it.

    The filters are built as the list builds them, except that related-field filters do not load their choices
    (so this costs no queries).
    """
    model = model_admin.model
    names: set[str] = set()
    for item in model_admin.get_list_filter(request):
        if isinstance(item, type) and issubclass(item, ListFilter) and not issubclass(item, FieldListFilter):
            names.update(item(request, {}, model, model_admin).expected_parameters())
            continue
        path, spec_class = item if isinstance(item, (list, tuple)) else (item, None)
        field = path if isinstance(path, models.Field) else get_fields_from_path(model, path)[-1]
        if spec_class is None:
            spec_class = next(cls for test, cls in FieldListFilter._field_list_filters if test(field))
        probe = type("ChoicelessFilter", (spec_class,), {"field_choices": lambda *args, **kwargs: []})
        field_path = None if isinstance(path, models.Field) else path
        names.update(probe(field, request, {}, model, model_admin, field_path=field_path).expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return frozenset(names)


def field_tried(model: type[models.Model], parameter: str) -> str:
    """The field path a refused parameter reached (``description``, ``claims__rin``), without its lookup; the
    parameter is what a person typed, so anything that is not a field of the model is not repeated."""
    parts, opts = [], model._meta
    for part in parameter.split("__"):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            break
        parts.append(part)
        if not field.is_relation or field.related_model is None:
            break
        opts = field.related_model._meta
    return "__".join(parts)[:64]


class AllowlistedLookupsMixin:
    """For every ModelAdmin that lists personal data or PHI: only the page's own filters may filter it."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return request is not None and lookup in filter_parameters(self, request)

    def _refused(self, request: HttpRequest, error: Exception) -> HttpResponse:
        if isinstance(error, DisallowedModelAdminToField):
            tried = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR, ""))
        else:
            allowed = filter_parameters(self, request)
            tried = next((key for key in request.GET if key not in IGNORED_PARAMS and key not in allowed), "")
        audit_record(
            actor=request.user,
            action=REFUSED,
            object_type=self.model._meta.label_lower,  # type: ignore[attr-defined]
            object_id=field_tried(self.model, tried),  # type: ignore[attr-defined]
            request=request,
        )
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": "This list cannot be filtered that way",
            "opts": self.model._meta,  # type: ignore[attr-defined]
        }
        return TemplateResponse(request, "admin/lookup_refused.html", context, status=400)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # No transaction is open here (ATOMIC_REQUESTS is off), so the audit row stays when the 400 is sent.
        try:
            return super().changelist_view(request, extra_context)  # type: ignore[misc]
        except (DisallowedModelAdminLookup, DisallowedModelAdminToField) as error:
            return self._refused(request, error)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DisallowedModelAdminToField as error:
            return self._refused(request, error)
