"""Admin pieces shared by every app, and the email outbox's list.

Lists that grow with the data (issue 17) use ``GrowingListMixin``: the first page of the default order, of each
filter and of each search is read from an index, and nothing reads the whole table (no full ``COUNT(*)``, no
``DISTINCT`` over every row for a filter's choices or the date drill-down).
"""

import datetime
from collections.abc import Callable, Sequence

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ShowFacets, helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.models import OutboundEmail
from portal.pagination import CappedPaginator

# A filter lists at most this many values; more than that is not a list anyone picks from.
MAX_FILTER_VALUES = 200


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; changes happen through services (admin actions call them)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def service_action(
    name: str,
    description: str,
    service: Callable[..., object],
    done: str,
    *,
    argument: str | None = None,
    form: type[forms.Form] | None = None,
    title: str = "",
    intro: str = "",
    submit: str = "Apply",
    describe: Callable[[Model], str] = str,
    warn: Callable[[object], str | None] | None = None,
    permissions: Sequence[str] = ("change",),
    **fixed: object,
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]:
    """An admin action that calls ``service`` once per selected row — the admin never changes rows itself.

    Each call gets the row (as ``argument``, by default the model's name: ``complaint=``), ``actor=request.user``,
    ``request`` (its event or audit row records the client's address and the request id), the ``fixed`` keywords
    and, with a ``form``, the form's cleaned fields. A refusal (ValidationError, PermissionDenied) is reported on its
    own row's label and the others go on; then how many were done (``done`` with ``{count}``). ``warn`` may return a
    warning about a row done. With a ``form``, the first press shows admin/action_form.html: ``title``, ``intro``,
    the selected rows (``describe``) and the form; its ``submit`` button applies it."""

    def run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, data: dict) -> None:
        keyword = argument or modeladmin.model._meta.model_name
        count = 0
        for row in queryset:
            try:
                result = service(**{keyword: row}, actor=request.user, request=request, **fixed, **data)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                modeladmin.message_user(request, f"{row}: {text}", messages.WARNING)
                continue
            count += 1
            warning = warn(result) if warn is not None else None
            if warning:
                modeladmin.message_user(request, warning, messages.WARNING)
        if count:
            modeladmin.message_user(request, done.format(count=count))

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if form is None:
            run(modeladmin, request, queryset, {})
            return None
        bound = form(request.POST if "apply" in request.POST else None)
        if bound.is_bound and bound.is_valid():
            run(modeladmin, request, queryset, bound.cleaned_data)
            return None
        rows = [(row.pk, describe(row)) for row in queryset]
        return action_form_page(
            modeladmin, request, name, bound, rows, title=title or description, intro=intro, submit=submit
        )

    action.__name__ = name
    return admin.action(description=description, permissions=list(permissions))(action)


def action_form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    name: str,
    form: forms.Form,
    rows: list[tuple[object, str]],
    *,
    title: str,
    intro: str = "",
    submit: str = "Apply",
) -> TemplateResponse:
    """An action's form page (admin/action_form.html): ``title``, ``intro``, the selected rows (pk, description)
    and the form; its ``submit`` button posts the action again with ``apply``."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "rows": rows,
        "form": form,
        "action": name,
        "submit": submit,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/action_form.html", context)


def distinct_values(queryset: QuerySet, field_name: str, limit: int = MAX_FILTER_VALUES) -> list:
    """The distinct non-null values of a column in order, one index probe per value (a "loose index scan" in one
    recursive query, on PostgreSQL and SQLite alike) instead of ``DISTINCT`` over every row. Needs an index that
    starts with the column; reads the whole table ``queryset`` stands for (it must not be filtered)."""
    model = queryset.model
    column = model._meta.get_field(field_name).column
    connection = connections[queryset.db]
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    # Names quoted from the model; the limit is a parameter.
    sql = (
        f"WITH RECURSIVE found(value) AS ("  # noqa: S608  # nosec B608
        f" SELECT MIN({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value) FROM found"
        f" WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]


class _IndexedChoices:
    """A filter's choices, read when the sidebar is drawn (building the filter costs no query)."""

    def __init__(self, queryset: QuerySet, field_name: str) -> None:
        self.queryset, self.field_name, self._values = queryset, field_name, None

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self._values is None:
            self._values = distinct_values(self.queryset, self.field_name)
        return iter(self._values)


class IndexedValuesListFilter(admin.AllValuesFieldListFilter):
    """Django's "all values" filter, with its choices read by ``distinct_values`` (needs an index on the field)."""

    def __init__(self, field, request, params, model, model_admin, field_path):  # type: ignore[no-untyped-def]
        super().__init__(field, request, params, model, model_admin, field_path)
        if field_path != field.name:
            raise ValueError("IndexedValuesListFilter lists a column of the list's own table.")
        self.lookup_choices = _IndexedChoices(model._default_manager.all(), field.name)


class CalendarFromIndexQuerySet(QuerySet):
    """``datetimes()`` for the date drill-down: each year, month or day that has rows is found by one "first row
    from here on" read of an index (as many reads as periods shown, at most 31), instead of truncating and
    de-duplicating every row of the range."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):  # type: ignore[no-untyped-def,override]
        if kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order, tzinfo)
        zone = tzinfo or timezone.get_current_timezone()
        rows = self.order_by(field_name).values_list(field_name, flat=True)
        periods, start = [], None
        while True:
            first = (rows.filter(**{f"{field_name}__gte": start}) if start is not None else rows).first()
            if first is None:
                break
            local = timezone.localtime(first, zone)
            period = datetime.datetime(
                local.year, 1 if kind == "year" else local.month, local.day if kind == "day" else 1
            )
            if kind == "year":
                following = period.replace(year=period.year + 1)
            elif kind == "month":
                following = (period + datetime.timedelta(days=32)).replace(day=1)
            else:
                following = period + datetime.timedelta(days=1)
            periods.append(timezone.make_aware(period, zone))
            start = timezone.make_aware(following, zone)
        return periods if order == "ASC" else periods[::-1]


class SortableOnlyChangeList(ChangeList):
    """Honours ``sortable_by`` in the address too: Django only hides the other headers, and a hand-made ``?o=``
    would still sort a whole table by a column no index keeps in order (issue 17)."""

    def get_ordering_field(self, field_name):  # type: ignore[no-untyped-def]
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class QuickSelect(forms.Select):
    """A flat select written directly (Django's widget renders a template per option: a dozen actions cost more
    than a page of rows). The same HTML as Django's."""

    def render(self, name, value, attrs=None, renderer=None):  # type: ignore[no-untyped-def]
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final_attrs, options)


class QuickActionForm(helpers.ActionForm):
    action = forms.ChoiceField(label=_lazy("Action:"), widget=QuickSelect)


class QuickActionCheckboxMixin:
    """Each row's action checkbox and the action menu written directly: the same HTML as Django's, whose widgets
    render a template for every row and every option (a quarter of the time of a 50-row list, issue 17)."""

    action_form = QuickActionForm

    def action_checkbox(self, obj: object) -> str:
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),  # type: ignore[attr-defined]
            label,
        )


class GrowingListMixin(QuickActionCheckboxMixin):
    """For the list of a table that grows with use (issue 17). Its default ordering must end with the primary key
    and match an index; each filter needs an index that starts with the filtered field and goes on with that
    ordering; fields with many values filter with ``IndexedValuesListFilter``; the date drill-down needs an index on
    its field (without one, ``calendar_from_index = False`` leaves Django's own)."""

    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = ShowFacets.NEVER  # counts per choice would read every row of the list
    calendar_from_index = True

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return SortableOnlyChangeList

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        drill_down = self.date_hierarchy and self.calendar_from_index  # type: ignore[attr-defined]
        if drill_down and not isinstance(queryset, CalendarFromIndexQuerySet):
            queryset.__class__ = _with_calendar(type(queryset))
        return queryset


_CALENDAR_CLASSES: dict[type, type] = {}


def _with_calendar(queryset_class: type) -> type:
    """The model's own queryset class (with its rules, e.g. the audit log's refusal to update) plus the calendar."""
    if queryset_class not in _CALENDAR_CLASSES:
        name = f"{queryset_class.__name__}WithCalendar"
        _CALENDAR_CLASSES[queryset_class] = type(name, (CalendarFromIndexQuerySet, queryset_class), {})
    return _CALENDAR_CLASSES[queryset_class]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(GrowingListMixin, ReadOnlyAdmin):
    """What the portal emailed, to whom and whether it went (bodies are rendered at sending, not stored)."""

    list_display = ["created_at", "kind", "to_email", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", ("kind", IndexedValuesListFilter)]
    ordering = ["-created_at", "-id"]
    search_fields = ["to_email__startswith", "object_id__exact"]
    search_help_text = "The start of an email address (or all of it), or the id of what the email was about."

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # type: ignore[no-untyped-def]
        # Addresses are stored in lower case (users' and invitations' emails are), so a prefix search reads the
        # address index; ids are digits or lower-case UUIDs.
        return super().get_search_results(request, queryset, search_term.lower())
