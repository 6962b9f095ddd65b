"""Reads of the region: bounded queries, narrowed to what the caller may see."""

from __future__ import annotations

from django.db.models import QuerySet

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import RegionRole

from .models import Municipality, Region, School


def region_get() -> Region | None:
    return Region.objects.filter(pk=1).first()


def school_list(*, caller: Caller) -> QuerySet[School]:
    """Schools the caller may see: the whole region, or a municipality officer's own."""
    return schools_restrict(
        School.objects.select_related("municipality").order_by("short_name"), caller
    )


def schools_restrict(queryset: QuerySet[School], caller: Caller) -> QuerySet[School]:
    if not caller.region_roles:
        return queryset.none()
    region_wide = caller.region_roles - {RegionRole.MUNICIPALITY_OFFICER}
    if region_wide:
        return queryset
    if caller.municipality_id is None:
        return queryset.none()
    return queryset.filter(municipality_id=caller.municipality_id)


def municipality_list(*, caller: Caller) -> QuerySet[Municipality]:
    queryset = Municipality.objects.order_by("name")
    if not caller.region_roles:
        return queryset.none()
    if caller.region_roles == {RegionRole.MUNICIPALITY_OFFICER}:
        return queryset.filter(pk=caller.municipality_id)
    return queryset
