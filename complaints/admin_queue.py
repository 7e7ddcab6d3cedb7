"""The triage queue's page (issue 16 item 11): it says what its rows are sorted by, and no column header claims to
be the sort unless the staff member clicked it."""

from datetime import date

from django.contrib.admin.views.main import ORDER_VAR

from portal.admin import SortableOnlyChangeList

URGENCY = "Sorted by urgency: expedited first, then the next due date."


class QueueChangeList(SortableOnlyChangeList):
    @property
    def sorted_by_urgency(self) -> bool:
        return ORDER_VAR not in self.params

    @property
    def urgency_query_string(self) -> str:
        return self.get_query_string(remove=[ORDER_VAR])

    def get_ordering_field_columns(self) -> dict[int, str]:
        # The default order is urgency (selectors_staff.QUEUE_ORDER), which no single column is; Django would
        # otherwise draw every column it finds in that order (expedited, next due, received) as the sort.
        if self.sorted_by_urgency:
            return {}
        return super().get_ordering_field_columns()


def short_date(day: date) -> str:
    """``Dec 6, 2026``, kept on one line (the queue's date columns are narrow)."""
    return f"{day:%b}\N{NO-BREAK SPACE}{day.day},\N{NO-BREAK SPACE}{day.year}"
