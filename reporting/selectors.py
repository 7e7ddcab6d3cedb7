"""Reads of the published statistics: the latest snapshot, narrowed by the page's filters.

Filters only pick published rows and columns out of a snapshot; they never compute anything new, so a filtered
view can show nothing the full tables do not.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone

from complaints import clock
from complaints.models import MCO, Category, Complaint, ComplaintEvent, ComplaintStatus, ReportingGroup
from reporting.aggregates import OPEN, PUBLIC_REASONS, RESOLVED, Dimensions, Fact, month_of, months_between
from reporting.models import ReportSnapshot


@dataclass(frozen=True)
class Filters:
    period: str = "all"  # "all" or a quarter such as "2026-Q3"
    mco: str = ""  # an MCO's short name
    group: str = ""  # a provider type group label


def snapshot_latest() -> ReportSnapshot | None:
    """The newest snapshot in the current layout (one from before periods existed waits for the next refresh)."""
    return ReportSnapshot.objects.filter(data__has_key="periods").order_by("-computed_at", "-id").first()


def periods_of(snapshot: ReportSnapshot | None) -> list[dict[str, str]]:
    return list(snapshot.data.get("periods", [])) if snapshot else []


def _keep(labels: list[str], wanted: str) -> list[int]:
    return [i for i, label in enumerate(labels) if label == wanted] if wanted else list(range(len(labels)))


def _narrow(table: dict, filters: Filters) -> dict:
    wanted = {"MCO": filters.mco, "Provider type": filters.group}
    rows = _keep(table["rows"], wanted.get(table["row_label"], ""))
    columns = _keep(table["columns"], wanted.get(table["column_label"], ""))
    narrowed = {
        **table,
        "rows": [table["rows"][r] for r in rows],
        "columns": [table["columns"][c] for c in columns],
        "cells": [[table["cells"][r][c] for c in columns] for r in rows],
    }
    if table.get("kind") == "counts":
        narrowed["row_totals"] = [table["row_totals"][r] for r in rows]
        narrowed["column_totals"] = [table["column_totals"][c] for c in columns]
    return narrowed


def tables_for(snapshot: ReportSnapshot | None, filters: Filters) -> dict[str, dict]:
    """The published tables for the filters (unknown values select nothing rather than erroring)."""
    if snapshot is None:
        return {}
    tables = snapshot.data.get("tables", {}).get(filters.period)
    if not isinstance(tables, dict):
        return {}
    return {name: _narrow(table, filters) for name, table in tables.items()}


def report_facts(today: date | None = None) -> tuple[Dimensions, list[Fact]]:
    """One fact per complaint, in two grouped queries whatever the number of complaints."""
    today = today or timezone.localdate()
    resolved_at = dict(
        ComplaintEvent.objects.filter(to_status=ComplaintStatus.RESOLVED, complaint__status=ComplaintStatus.RESOLVED)
        .values("complaint_id")
        .annotate(at=Max("created_at"))
        .values_list("complaint_id", "at")
    )
    rows = list(
        Complaint.objects.values_list(
            "id",
            "mco__short_name",
            "organization__provider_type__reporting_group",
            "category__name",
            "submitted_at",
            "updated_at",
            "expedited",
            "status",
            "closure_reason",
        ).order_by()
    )
    local = timezone.localtime
    first_day = min((local(row[4]).date() for row in rows), default=today)
    last_day = max([today, *(local(at).date() for at in resolved_at.values())])
    business_days = clock.business_day_counter(min(first_day, today), last_day)
    group_label = dict(ReportingGroup.choices)
    reason_codes = {code for code, _ in PUBLIC_REASONS}
    facts = []
    for pk, mco, group, topic, submitted, updated, expedited, status, reason in rows:
        received = local(submitted).date()
        outcome, days = OPEN, None
        if status == ComplaintStatus.RESOLVED:
            outcome = RESOLVED
            days = business_days(received, max(received, local(resolved_at.get(pk, updated)).date()))
        elif status == ComplaintStatus.CLOSED:
            outcome = reason if reason in reason_codes else "other"
        facts.append(Fact(mco, group_label[group], topic, month_of(received), expedited, outcome, days))
    dimensions = Dimensions(
        mcos=list(MCO.objects.order_by("name").values_list("short_name", flat=True)),
        groups=[label for _, label in ReportingGroup.choices],
        topics=list(Category.objects.order_by("sort_order", "name").values_list("name", flat=True)),
        months=months_between(month_of(first_day), month_of(today)),
        contracts={
            short: (starts, ends)
            for short, starts, ends in MCO.objects.values_list("short_name", "active_from", "active_to")
        },
    )
    return dimensions, facts
