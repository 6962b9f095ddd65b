"""The text of a notification, composed when it is sent (in Russian).

Checked again at that moment: the account is active, it still subscribes to this kind and
channel, and the diary's rule for the channel still gives it the child (`family_of(...,
channel=...)`: link, studying, a consent naming the channel, not withdrawn). Marks removed or
invalidated meanwhile (AUD-06) are left out; when nothing is left, nothing is sent.

- an SMS for new marks: "Иванов И.: Математика 5 (контрольная работа), 23.11";
- a period or year mark: an e-mail and/or an SMS;
- the digest (daily or weekly, plain text and simple HTML): for each child the new marks since
  the last digest with subject and work type, the homework for tomorrow (daily) or the next
  seven days (weekly) from the diary's week builder, and the period's report (DIA-09) from the
  diary's summary: current performance, missed lessons and unsatisfactory marks with topics.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django_tenants.utils import schema_context

from otmetka.accounts.models import User, UserStatus
from otmetka.region.routing import public_url
from services.notify import Message
from tenants.diary.family import Child, family_of

from .choices import Channel, Digest, Kind
from .models import Notification, Subscription
from .services import message_for, unsubscribe_url

SMS_LIMIT = 300  # characters: about four SMS parts in Cyrillic
LIST_LIMIT = 30  # rows per list in a digest


def compose(row: Notification, now: datetime) -> Message | None:
    """The message for an outbox row, or None when there is nothing (or nobody) to send to."""
    if not User.objects.filter(pk=row.user_id, status=UserStatus.ACTIVE).exists():
        return None
    sub = Subscription.objects.filter(user_id=row.user_id).first()
    if sub is None:
        return None
    if row.kind == Kind.DIGEST:
        if sub.digest == Digest.OFF or not sub.email:
            return None
        return _digest(row, sub)
    if row.channel == Channel.SMS:
        wanted, address = sub.sms_marks, sub.phone
    else:
        wanted, address = sub.final_marks, sub.email
    if not wanted or not address:
        return None
    child = next(
        (c for c in family_of(row.user_id, channel=row.channel).children
         if c.school.schema == row.schema and c.student_id == row.student_id
         and c.role == "guardian"),
        None,
    )  # fmt: skip
    if child is None:
        return None
    if row.kind == Kind.MARK:
        return _marks_sms(row, child, address)
    return _final_marks(row, child, address)


def _initial(child: Child) -> str:
    return f"{child.last_name} {child.first_name[:1]}." if child.first_name else child.last_name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else ""


def _fit(text: str, limit: int = SMS_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _marks_sms(row: Notification, child: Child, phone: str) -> Message | None:
    from tenants.journal.models import Mark

    with schema_context(row.schema):
        marks = list(
            Mark.objects.filter(
                pk__in=row.payload.get("marks", []), student_id=row.student_id,
                invalidated_at__isnull=True,
            )
            .order_by("task__lesson__date", "task__lesson__number", "pk")
            .values_list("task__lesson__subject__name", "value", "task__work_type__name",
                         "task__lesson__date")
        )  # fmt: skip
    if not marks:
        return None
    text = f"{_initial(child)}: " + "; ".join(
        f"{subject} {value} ({_lower_first(work)}), {day:%d.%m}"
        for subject, value, work, day in marks
    )
    return message_for(row, to=phone, text=_fit(text))


def _final_rows(row: Notification) -> list[str]:
    """ "Математика, 2 четверть: 5" for each period or year mark still valid."""
    from tenants.configuration.models import Notation
    from tenants.journal.models import PeriodMark, YearMark

    ids = row.payload.get("marks", [])
    with schema_context(row.schema):
        valid = Q(pk__in=ids, student_id=row.student_id, invalidated_at__isnull=True)
        if row.payload.get("kind") == "period":
            marks = list(
                PeriodMark.objects.filter(valid)
                .exclude(value="", notation="")
                .order_by("subject__name")
                .values_list("subject__name", "period__name", "value", "notation")
            )
        else:
            marks = [
                (subject, YearMark.Kind(kind).label.lower(), value, notation)
                for subject, kind, value, notation in YearMark.objects.filter(valid)
                .exclude(value="", notation="")
                .order_by("subject__name")
                .values_list("subject__name", "kind", "value", "notation")
            ]
        labels = dict(Notation.objects.values_list("code", "label")) if marks else {}
    return [
        f"{subject}, {what}: {value or labels.get(notation, notation)}"
        for subject, what, value, notation in marks
    ]


def _final_marks(row: Notification, child: Child, address: str) -> Message | None:
    lines = _final_rows(row)
    if not lines:
        return None
    if row.channel == Channel.SMS:
        return message_for(row, to=address, text=_fit(f"{_initial(child)}: " + "; ".join(lines)))
    period = row.payload.get("kind") == "period"
    context = {
        "child": child, "lines": lines, "period": period,
        "diary_url": public_url("/diary/"), "unsubscribe_url": unsubscribe_url(row.user_id),
    }  # fmt: skip
    with translation.override("ru"):
        text = render_to_string("notifications/final_marks.txt", context)
        html = render_to_string("notifications/final_marks.html", context)
    subject = ("Отметка за период" if period else "Годовая отметка") + f": {child.short_name}"
    return message_for(row, to=address, subject=subject, text=text, html=html)


# --- the digest --------------------------------------------------------------------------------


def _homework_text(hw: dict) -> str:
    parts = [hw.get("text") or ""]
    if hw.get("pages"):
        parts.append(f"с. {hw['pages']}")
    if hw.get("exercises"):
        parts.append(f"упр. {hw['exercises']}")
    if hw.get("files"):
        parts.append("файлы в дневнике")
    return ", ".join(p for p in parts if p)


def digest_content(children: list[Child], *, since: datetime, until: datetime, on: date,
                   days: list[date]) -> list[dict]:  # fmt: skip
    """What a digest tells about each child (see the module's doc). The new marks are one query
    over the children's schools; the homework comes from the diary's week (cached); the
    period's report from the diary's summary, in each child's school."""
    from tenants.diary.child import diary_summary, period_for
    from tenants.diary.week import diary_week, week_of
    from tenants.journal.models import Mark
    from tenants.school.across import rows_across

    students: dict[str, list[int]] = defaultdict(list)
    for child in children:
        students[child.school.schema].append(child.student_id)
    new_marks = defaultdict(list)
    for schema, student, day, _number, subject, value, work, title in sorted(rows_across([
        (schema, Mark.objects.filter(
            student_id__in=ids, invalidated_at__isnull=True, entered_at__gt=since,
            entered_at__lte=until,
        ).values_list("student_id", "task__lesson__date", "task__lesson__number",
                      "task__lesson__subject__name", "value", "task__work_type__name",
                      "task__title"))
        for schema, ids in students.items()
    ]), key=lambda r: (r[2], r[3] or 0, r[4])):  # fmt: skip
        new_marks[(schema, student)].append(
            {"date": day, "subject": subject, "value": value, "work_type": work, "title": title}
        )
    homework = defaultdict(list)
    wanted = set(days)
    for monday in sorted({week_of(day)[0] for day in days}):
        for entry in diary_week(children, monday)["children"]:
            for day in entry["days"]:
                if day["date"] not in wanted:
                    continue
                for lesson in day["lessons"]:
                    for hw in lesson["homework"]:
                        homework[entry["key"]].append({
                            "date": day["date"], "weekday": day["weekday"],
                            "subject": lesson["subject"], "text": _homework_text(hw),
                        })  # fmt: skip
    content = []
    for child in children:
        with schema_context(child.school.schema):
            period = period_for(child, None, on)
            summary = diary_summary(child, period) if period is not None else None
        marks = new_marks.get((child.school.schema, child.student_id), [])
        content.append({
            "name": child.name, "school": child.school.name, "class": child.class_name,
            "marks": marks[:LIST_LIMIT], "more_marks": max(len(marks) - LIST_LIMIT, 0),
            "homework": homework.get(child.key, [])[:LIST_LIMIT],
            "period": period.name if period is not None else "",
            "subjects": [
                {"name": s["subject"]["name"], "average": s["average"], "count": s["count"],
                 "period_mark": s["period_mark"], "missed": s["missed"]}
                for s in (summary or {}).get("subjects", [])
            ],
            "unsatisfactory": (summary or {}).get("unsatisfactory", [])[:LIST_LIMIT],
            "missed": (summary or {}).get("missed_lessons", [])[:LIST_LIMIT],
        })  # fmt: skip
    return content


def _digest(row: Notification, sub: Subscription) -> Message | None:
    children = family_of(row.user_id, channel=Channel.EMAIL).children
    if not children:
        return None
    payload = row.payload
    weekly = payload.get("digest") == Digest.WEEKLY
    on = date.fromisoformat(payload["on"])
    days = [on + timedelta(days=i) for i in range(1, 8 if weekly else 2)]
    content = digest_content(
        children, since=datetime.fromisoformat(payload["since"]),
        until=datetime.fromisoformat(payload["until"]), on=on, days=days,
    )  # fmt: skip
    if not any(c["marks"] or c["homework"] or c["unsatisfactory"] or c["missed"] for c in content):
        return None
    context = {
        "children": content, "weekly": weekly, "on": on, "days": days,
        "diary_url": public_url("/diary/"), "settings_url": public_url("/diary/notifications/"),
        "unsubscribe_url": unsubscribe_url(row.user_id),
    }  # fmt: skip
    with translation.override("ru"):
        text = render_to_string("notifications/digest.txt", context)
        html = render_to_string("notifications/digest.html", context)
    subject = (
        f"Дневник: сводка за неделю по {on:%d.%m.%Y}" if weekly
        else f"Дневник: сводка за {on:%d.%m.%Y}"
    )  # fmt: skip
    return message_for(row, to=sub.email, subject=subject, text=text, html=html)
