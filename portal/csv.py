"""CSV downloads shared by every app: cells a spreadsheet shows as text, and a response streamed row by row."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from django.utils.cache import add_never_cache_headers

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula (= + - @, or a tab or carriage return
    before one) gets a leading apostrophe (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_response(*, header: Sequence[str], rows: Iterable[Sequence[str]], filename: str) -> StreamingHttpResponse:
    """``rows`` (read lazily, e.g. from ``queryset.iterator()``) under ``header`` as a streamed CSV attachment named
    ``filename``; never cached (it holds what a signed-in person may read)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
