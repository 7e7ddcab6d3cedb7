"""Pages of lists that grow with the data (issue 17): the count is capped, so no page counts a whole big table.

``CappedPaginator`` counts at most ``cap`` rows (``COUNT(*)`` over a ``LIMIT``ed subquery that keeps the list's
order, so the same index that serves the page serves the count). Past the cap the list says "more than N" and
offers pages up to the cap; filters and search narrow it further.
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator


def count_cap() -> int:
    return int(getattr(settings, "PORTAL_LIST_COUNT_CAP", 1000))


class CappedPaginator(Paginator):
    """A paginator whose ``count`` is at most ``cap``; ``capped`` says the list holds more."""

    def __init__(self, object_list, per_page, *args, cap: int | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(object_list, per_page, *args, **kwargs)
        self.cap = cap if cap is not None else count_cap()

    @cached_property
    def _counted(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "values") and hasattr(object_list, "query"):
            # Only the primary keys, in the list's own order, at most cap + 1 of them.
            return object_list.values("pk")[: self.cap + 1].count()
        return len(object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """True when the list holds more rows than were counted."""
        return self._counted > self.cap
