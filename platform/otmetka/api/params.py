"""Query parameters shared by list endpoints: ids that filter a queryset."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet


def filter_by_ids(
    queryset: QuerySet, query_params, mapping: Iterable[tuple[str, str]], errors: dict
) -> QuerySet:
    """Filter `queryset` by each `(parameter, field)` given as a whole number; a parameter that
    is not one goes into `errors` (the caller raises them as a 400)."""
    for param, field in mapping:
        value = query_params.get(param)
        if value is None:
            continue
        if not value.isdigit():
            errors[param] = ["Укажите номер."]
        else:
            queryset = queryset.filter(**{field: int(value)})
    return queryset


def validated(serializer_class, request) -> dict:
    """The request body checked by `serializer_class`; a 400 with field messages otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
