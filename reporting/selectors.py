"""Reads of the published statistics: the latest snapshot, narrowed by the page's filters.

Filters only pick published rows and columns out of a snapshot; they never compute anything new, so a filtered
view can show nothing the full tables do not.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from complaints import clock
from complaints.models import MCO, Category, Complaint, ComplaintEvent, ComplaintStatus, ReportingGroup
from reporting.aggregates import (
    LATE,
    NOT_SENT,
    ON_TIME,
    OPEN,
    PUBLIC_REASONS,
    RESOLVED,
    Dimensions,
    Fact,
    month_of,
    months_between,
)
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


def _event_times(aggregate: type[Max] | type[Min], **lookups: object) -> dict[int, datetime]:
    """Per complaint, the latest (Max) or earliest (Min) time of the events matching ``lookups``: one query."""
    return dict(
        ComplaintEvent.objects.filter(**lookups)
        .values("complaint_id")
        .annotate(at=aggregate("created_at"))
        .values_list("complaint_id", "at")
    )


def report_facts(today: date | None = None) -> tuple[Dimensions, list[Fact]]:
    """One fact per complaint, in five grouped queries whatever the number of complaints."""
    today = today or timezone.localdate()
    S = ComplaintStatus
    resolved_at = _event_times(Max, to_status=S.RESOLVED, complaint__status=S.RESOLVED)
    # The first response is the first move out of "submitted" (taking it on, or closing it).
    responded_at = _event_times(Min, from_status=S.SUBMITTED, to_status__in=[s for s in S.values if s != S.SUBMITTED])
    # The MCO's part ends with its answer, or when the complaint is closed while waiting for it; a complaint sent
    # again (after a reopening) is measured by the last round, the one its forwarding date and due date belong to.
    left_mco_at = _event_times(Max, from_status=S.AWAITING_MCO, to_status__in=[S.IN_REVIEW, S.RESOLVED, S.CLOSED])
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
            "forwarded_on",
            "mco_answer_due",
        ).order_by("pk")
    )
    local = timezone.localtime
    first_day = min((local(row[4]).date() for row in rows), default=today)
    last_day = max([today, *(local(at).date() for at in resolved_at.values())])
    business_days = clock.business_day_counter(min(first_day, today), last_day)
    group_label = dict(ReportingGroup.choices)
    reason_codes = {code for code, _ in PUBLIC_REASONS}
    facts = []
    response_days = {
        True: settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED,
        False: settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS,
    }
    for pk, mco, group, topic, submitted, updated, expedited, status, reason, *clocks in rows:
        received = local(submitted).date()
        outcome, days, resolved = OPEN, None, None
        if status == S.RESOLVED:
            outcome = RESOLVED
            resolved = max(received, local(resolved_at.get(pk, updated)).date())
            days = business_days(received, resolved)
        elif status == S.CLOSED:
            outcome = reason if reason in reason_codes else "other"
        forwarded_on, answer_due = clocks
        # Measured against the limit for its handling now, as the public reads the time limits (a complaint
        # expedited and then not has a stored due date from when it was expedited).
        first_due = clock.add_business_days(received, response_days[expedited])
        first = _on_time_so_far(responded_at.get(pk), first_due, status == S.SUBMITTED, today)
        sent = bool(forwarded_on) or status == S.AWAITING_MCO
        left = None if status == S.AWAITING_MCO else left_mco_at.get(pk)  # waiting again: this round is not over
        answer = _mco_answer(left, answer_due, forwarded_on, sent, today)
        facts.append(
            Fact(
                mco,
                group_label[group],
                topic,
                month_of(received),
                expedited,
                outcome,
                days,
                first,
                answer,
                month_of(resolved) if resolved else None,
            )
        )
    dimensions = Dimensions(
        mcos=list(MCO.objects.order_by("name").values_list("short_name", flat=True)),
        groups=[label for _, label in ReportingGroup.choices],
        topics=list(Category.objects.order_by("sort_order", "name").values_list("name", flat=True)),
        months=months_between(month_of(first_day), month_of(today)),
        contracts={
            short: (starts, ends)
            for short, starts, ends in MCO.objects.values_list("short_name", "active_from", "active_to")
        },
        response_due_from={flag: _due_from(today, number) for flag, number in response_days.items()},
        answer_late_before=today - timedelta(days=settings.PORTAL_MCO_ANSWER_DAYS),
    )
    return dimensions, facts


def _on_time_so_far(done: datetime | None, due: date, waiting: bool, today: date) -> str:
    """Done by the due date, or still waiting with the due date not passed: on time so far; otherwise late.
    (Something that moved on without a recorded event, from before events were kept, counts as on time.)"""
    if done is not None:
        return ON_TIME if timezone.localtime(done).date() <= due else LATE
    return LATE if waiting and today > due else ON_TIME


def _mco_answer(left: datetime | None, due: date | None, forwarded: date | None, sent: bool, today: date) -> str:
    """Not sent to the MCO, or on time so far / late by the MCO's due date (a complaint closed while waiting for
    the MCO counts by the day it was closed). The MCO always has at least its 30 days from forwarding."""
    if not sent or due is None:
        return NOT_SENT
    if forwarded is not None:
        due = max(due, forwarded + timedelta(days=settings.PORTAL_MCO_ANSWER_DAYS))
    return _on_time_so_far(left, due, left is None, today)


def _due_from(today: date, business_days: int) -> date:
    """The first day a complaint can be received and still not be due its first response today."""
    day = today
    while clock.add_business_days(day - timedelta(days=1), business_days) >= today:
        day -= timedelta(days=1)
    return day
