"""Opening a diary: the one path the API and the pages take, so both apply the same rules —
only the caller's own children (`family`), read in their schools, and a view receipt for every
opening (DIA-05)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django_tenants.utils import schema_context

from .family import Child, Family
from .files import FileToSend, homework_file_for
from .models import DiaryView
from .receipts import receipts_record
from .week import diary_week


class NotYourChild(LookupError):
    """The key names no child of the caller's (or no child at all: the answer is the same)."""


def child_of(family: Family, key: str) -> Child:
    child = family.child(key)
    if child is None:
        raise NotYourChild(key)
    return child


def week_open(family: Family, *, day: date, key: str | None, user_id: int, channel: str) -> dict:
    """The week of every child of the caller, or of the one named by `key`."""
    children = [child_of(family, key)] if key else family.children
    week = diary_week(children, day, family.versions)
    receipts_record(
        children, user_id=user_id, view=DiaryView.WEEK, ref=str(week["week"]["start"]),
        channel=channel,
    )  # fmt: skip
    return week


def child_open(
    family: Family,
    key: str,
    view: str,
    build: Callable[[Child], dict],
    *,
    user_id: int,
    channel: str,
) -> tuple[Child, dict]:
    """One child's subject, summary or card, built in the child's school schema."""
    child = child_of(family, key)
    with schema_context(child.school.schema):
        data = build(child)
    # the receipt names what was shown: the subject, else the period
    shown = (data or {}).get("subject") or (data or {}).get("period") or {}
    receipts_record(
        [child], user_id=user_id, view=view, ref=str(shown.get("id", "")), channel=channel
    )
    return child, data


def homework_file_open(family: Family, key: str, file_id: int) -> FileToSend:
    """A homework file of the caller's child (see `files`); NotYourChild when the child is not
    the caller's or the file is not one their diary shows."""
    child = child_of(family, key)
    found = homework_file_for(child, file_id)
    if found is None:
        raise NotYourChild(key)
    return found
