"""Pages of 50 by default; `?page_size=` up to 100, and asking for more gets 100.

Strict about what it reads: a page or page size that is not a positive whole
number is a 400 naming the parameter (not silently page 1; an empty one means
the default, as every empty parameter does); a page past the end is a 404.
"""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def _positive(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None  # absent or empty: the default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: ["Must be a whole number, 1 or more."]})
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def paginate_queryset(self, queryset, request: Request, view=None):
        _positive(request, self.page_query_param)
        _positive(request, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page (default {self.page_size}; more than "
                    f"{self.max_page_size} gets {self.max_page_size})."
                )
        return parameters
