"""What each complaint contributes to the public statistics, read from the database as it stood at the end of a day:
one ``Fact`` per complaint received by then (reporting.aggregates counts them)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import MCO, ReportingGroup
from complaints import clock
from complaints.models import Category, Complaint, ComplaintEvent, ComplaintStatus
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


def release_day(today: date) -> date:
    """The day a release's figures stand on: the last day of the month before ``today``'s. Figures change once a
    month, so comparing one day's statistics with the next never singles out a complaint."""
    return today.replace(day=1) - timedelta(days=1)


@dataclass
class _Track:
    """One complaint's workflow as it stood at the end of the release day, folded from its events."""

    status: str = ComplaintStatus.SUBMITTED
    responded: datetime | None = None  # the first move out of "submitted" (taking it on, or closing it)
    resolved: datetime | None = None  # the last move to "resolved"
    forwarded: datetime | None = None  # the last move to "awaiting the MCO" (the MCO's round then)
    left_mco: datetime | None = None  # the MCO's answer, or closing while waiting for it, in that round
    extended: bool = False  # the MCO was given its extension in that round

    def step(self, kind: str, from_status: str, to_status: str, at: datetime) -> None:
        S = ComplaintStatus
        if kind == ComplaintEvent.Kind.MCO_EXTENSION:
            self.extended = self.extended or self.status == S.AWAITING_MCO
            return
        if from_status == S.SUBMITTED and to_status != S.SUBMITTED and self.responded is None:
            self.responded = at
        if to_status == S.AWAITING_MCO:
            self.forwarded, self.left_mco, self.extended = at, None, False  # a new round
        elif from_status == S.AWAITING_MCO and to_status in (S.IN_REVIEW, S.RESOLVED, S.CLOSED):
            self.left_mco = at
        if to_status == S.RESOLVED:
            self.resolved = at
        self.status = to_status


def _tracks(end: datetime) -> dict[int, _Track]:
    """Per complaint received before ``end``, its workflow at ``end``: one query over the status events (and the
    MCO's extensions)."""
    tracks: dict[int, _Track] = {}
    events = (
        ComplaintEvent.objects.filter(created_at__lt=end, complaint__submitted_at__lt=end)
        .filter(~Q(to_status="") | Q(kind=ComplaintEvent.Kind.MCO_EXTENSION))
        .order_by("complaint_id", "created_at", "id")
        .values_list("complaint_id", "kind", "from_status", "to_status", "created_at")
    )
    for complaint_id, kind, from_status, to_status, at in events.iterator(chunk_size=5000):
        tracks.setdefault(complaint_id, _Track()).step(kind, from_status, to_status, at)
    return tracks


def report_facts(as_of: date | None = None) -> tuple[Dimensions, list[Fact]]:
    """One fact per complaint received up to the end of ``as_of`` (by default the release day: the end of last
    month), as it stood then, from the status events up to then: two queries over complaints and events (plus the
    reference data) whatever their number.

    What is not in the events is taken as it is now: the MCO and topic (which no one edits) and whether the
    complaint is expedited; the provider type group is the one it was filed under."""
    as_of = as_of or release_day(timezone.localdate())
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    S = ComplaintStatus
    tracks = _tracks(end)
    rows = list(
        Complaint.objects.filter(submitted_at__lt=end)
        .values_list(
            "id",
            "mco__short_name",
            "provider_group",
            "category__name",
            "submitted_at",
            "updated_at",
            "expedited",
            "status",
            "closure_reason",
            "forwarded_on",
            "mco_answer_due",
        )
        .order_by("pk")
    )
    local = timezone.localtime
    first_day = min((local(row[4]).date() for row in rows), default=as_of)
    resolved_days = [local(track.resolved).date() for track in tracks.values() if track.resolved]
    business_days = clock.business_day_counter(min(first_day, as_of), max([as_of, *resolved_days]))
    group_label = dict(ReportingGroup.choices)
    reason_codes = {code for code, _ in PUBLIC_REASONS}
    facts = []
    response_days = {
        True: settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED,
        False: settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS,
    }
    for pk, mco, group, topic, submitted, updated, expedited, status_now, reason, forwarded_on, answer_due in rows:
        received = local(submitted).date()
        track = tracks.get(pk)
        if track is None:  # no status events (from before they were kept): the complaint as it is now, if it was
            track = _Track(status=status_now if updated < end else S.SUBMITTED)  # last changed by then
            track.resolved = updated if track.status == S.RESOLVED else None
            unchanged = updated < end and forwarded_on and forwarded_on <= as_of
            sent_on, due = (forwarded_on, answer_due) if unchanged else (None, None)
        else:
            sent_on = local(track.forwarded).date() if track.forwarded else None
            due = None
            if sent_on is not None:  # the MCO's days in that round, with its extension if it had one by then
                extension = settings.PORTAL_MCO_EXTENSION_DAYS if track.extended else 0
                due = clock.add_calendar_days(sent_on, settings.PORTAL_MCO_ANSWER_DAYS + extension)
        status = track.status
        outcome, days, resolved = OPEN, None, None
        if status == S.RESOLVED:
            outcome = RESOLVED
            resolved = max(received, local(track.resolved).date())
            days = business_days(received, resolved)
        elif status == S.CLOSED:  # closing is final (workflow.TRANSITIONS): its reason is the one stored
            outcome = reason if reason in reason_codes else "other"
        # Measured against the limit for its handling now, as the public reads the time limits (a complaint
        # expedited and then not has a stored due date from when it was expedited).
        first_due = clock.add_business_days(received, response_days[expedited])
        first = _on_time_so_far(track.responded, first_due, status == S.SUBMITTED, as_of)
        waiting = status == S.AWAITING_MCO
        answer = _mco_answer(None if waiting else track.left_mco, due, sent_on, waiting, as_of)
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
        months=months_between(month_of(min(first_day, as_of)), month_of(as_of)),
        contracts={
            short: (starts, ends)
            for short, starts, ends in MCO.objects.values_list("short_name", "active_from", "active_to")
        },
        response_due_from={flag: _due_from(as_of, number) for flag, number in response_days.items()},
        answer_late_before=as_of - timedelta(days=settings.PORTAL_MCO_ANSWER_DAYS),
        first_received=min(first_day, as_of),
    )
    return dimensions, facts


def _on_time_so_far(done: datetime | None, due: date, waiting: bool, today: date) -> str:
    """Done by the due date, or still waiting with the due date not passed: on time so far; otherwise late.
    (Something that moved on without a recorded event, from before events were kept, counts as on time.)"""
    if done is not None:
        return ON_TIME if timezone.localtime(done).date() <= due else LATE
    return LATE if waiting and clock.is_overdue(due, today=today) else ON_TIME


def _mco_answer(left: datetime | None, due: date | None, forwarded: date | None, waiting: bool, today: date) -> str:
    """On time so far or late by the MCO's due date, for a complaint sent to the MCO (one closed while waiting for
    the MCO counts by the day it was closed). The MCO always has at least its 30 days from forwarding."""
    if forwarded is None or due is None:
        return NOT_SENT
    due = max(due, forwarded + timedelta(days=settings.PORTAL_MCO_ANSWER_DAYS))
    return _on_time_so_far(left, due, waiting, today)


def _due_from(today: date, business_days: int) -> date:
    """The first day a complaint can be received and still not be due its first response today."""
    day = today
    while clock.add_business_days(day - timedelta(days=1), business_days) >= today:
        day -= timedelta(days=1)
    return day
