"""CSV reports handed back to people: every cell spreadsheet-safe, large ones streamed."""
from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse


def csv_safe_cell(value) -> str:
    """Text of a cell with spreadsheet formulas neutralised (a leading =, +, -, @, tab or CR)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def csv_streaming_response(rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """`rows` (the header first) as a downloaded CSV, written row by row as they are produced."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow([csv_safe_cell(v) for v in row]) for row in rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
