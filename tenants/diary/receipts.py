"""View receipts (DIA-05): every opening of a child's diary is recorded in the child's school
— who (account and role), what (view and its week, subject or period), when, web or API — and
listed for the director, deputies and the class teacher of the child's class.

Recording several children in several schools is one statement (one INSERT per school, joined
as data-modifying CTEs), so the diary's round trips do not grow with the family.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from tenants.people.models import ClassMembership
from tenants.people.selectors import led_class_ids, staff_of
from tenants.school.across import qualified

from .family import Child
from .models import ViewReceipt

_COLUMNS = "(student_id, user_id, role, view, ref, channel, at)"


def receipts_record(
    children: list[Child], *, user_id: int, view: str, ref: str = "", channel: str = "web"
) -> None:
    if not children:
        return
    now = timezone.now()
    table = ViewReceipt._meta.db_table
    by_school: dict[str, list[Child]] = {}
    for child in children:
        by_school.setdefault(child.school.schema, []).append(child)
    parts, params = [], []
    for i, (schema, kids) in enumerate(by_school.items()):
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(kids))
        # the table name is the model's, qualified by a schema checked as an identifier
        target = qualified(f'"{table}"', schema)
        parts.append(f"w{i} AS (INSERT INTO {target} {_COLUMNS} VALUES {values})")  # noqa: S608
        for child in kids:
            params += [child.student_id, user_id, child.role, view, ref[:40], channel, now]
    # A receipt is a log line, written on every opening of a diary: its commit does not wait
    # for the disk (synchronous_commit off for this statement's transaction only). A crash of
    # the database server may lose the last fraction of a second of receipts, never a journal
    # write; the request no longer waits a disk flush for it.
    lazy = "SELECT set_config('synchronous_commit', 'off', true) AS lazy"
    sql = f"WITH lazy AS ({lazy}), {', '.join(parts)} SELECT count(*) FROM lazy"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def receipts_visible(
    caller: Caller, receipts: QuerySet[ViewReceipt] | None = None, on: date | None = None
) -> QuerySet[ViewReceipt]:
    """The director and deputies: every receipt of the school; a class teacher: those of the
    students of the classes they lead (while they are in them)."""
    receipts = ViewReceipt.objects.all() if receipts is None else receipts
    if caller.has_any({Scope.PEOPLE_READ}):
        return receipts
    on = on or timezone.localdate()
    led = led_class_ids(staff_of(caller), on)
    if not led:
        raise PermissionDenied(
            "Просмотры дневника видят директор, заместители и классный руководитель."
        )
    students = ClassMembership.objects.filter(school_class_id__in=led, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )
    return receipts.filter(student_id__in=students.values("student_id"))


def receipts_of_class(receipts: QuerySet[ViewReceipt], class_id: int) -> QuerySet[ViewReceipt]:
    """The receipts of the students who were ever in that class."""
    return receipts.filter(
        student_id__in=ClassMembership.objects.filter(school_class_id=class_id).values("student_id")
    )
