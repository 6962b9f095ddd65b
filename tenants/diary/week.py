"""The diary's week (DIA-01, DIA-02): for each child, Monday to Sunday — lessons with their
times, substitutions, rooms and topics, homework (with files; individual homework only to its
students), marks with the work behind them, attendance and notes, control works, events,
holidays and the region's days off.

A fixed number of queries whatever the number of children, schools and marks: every kind of row
is read for all the caller's children in one query over their schools' schemas
(`across.Across`: compiled once per process, run with each request's values). Entries
invalidated as a compromised account's (AUD-06) never show. Rows come back as plain dicts ready
for JSON; nothing here builds a model instance.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import date, timedelta

from django.core.cache import caches
from django.db.models import Q

from otmetka.region.choices import CalendarDayKind
from otmetka.region.models import CalendarDay
from tenants.audit.versions import data_versions, unit_key, unit_versions
from tenants.configuration.models import HolidayPeriod
from tenants.events.choices import ControlForm, EventLevel
from tenants.events.models import ControlWork, Event
from tenants.journal.models import Attendance, Mark
from tenants.people.models import ClassMembership, GroupMembership, short_name
from tenants.school.across import Across
from tenants.timetable.models import Bell, Homework, HomeworkFile, Lesson

from .family import Child

log = logging.getLogger(__name__)
WEEKDAYS = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _by_school(children: list[Child]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = defaultdict(list)
    for child in children:
        ids[child.school.schema].append(child.student_id)
    return ids


def _spans(rows) -> dict[tuple[str, int], list[tuple[int, date, date | None]]]:
    spans = defaultdict(list)
    for schema, student, unit, start, end in rows:
        spans[(schema, student)].append((unit, start, end))
    return spans


def _member(spans, key, unit, day) -> bool:
    return any(u == unit and s <= day and (e is None or e >= day) for u, s, e in spans.get(key, ()))


WEEK_CACHE_SECONDS = 6 * 3600
_SHAPE = 2  # bump when the cached entries change shape


def _cache_key(child: Child, monday: date, version: int) -> str:
    return (
        f"diary-week:{_SHAPE}:{child.school.schema}:{child.student_id}:{child.grade}:"
        f"{monday:%Y%m%d}:{version}"
    )


def diary_week(children: list[Child], day: date, versions: dict[str, int] | None = None) -> dict:
    """The week containing `day` for every child given (they are the caller's, see `family`).

    Each child's days are cached under the school's data version (`tenants.audit.versions`),
    which every audited write bumps, and with the versions of the classes and groups they were
    built from, which the journal's lesson writes (marks, attendance, topics) bump instead of
    the school's: what a teacher saves shows on the next request (DIA-01), a save in another
    class leaves the week warm, and a warm week costs no school query and one Redis round trip
    (the entries with the versions of the children's classes and groups). The region's days
    off are applied on every request (kept a minute per process, `_days_off`), since they are
    region data. Without Redis (`versions` None) every week is built and nothing is cached."""
    monday, sunday = week_of(day)
    schemas = sorted({c.school.schema for c in children})
    if versions is None or any(s not in versions for s in schemas):
        versions = data_versions(schemas)
    cache = caches["global"]
    weeks: dict = {}
    keys = (
        {c: _cache_key(c, monday, versions[c.school.schema]) for c in children} if versions else {}
    )
    if keys:
        # the entries, and the versions of the classes and groups the children are in today
        # (`Child.units`), in one round trip
        prefetch = sorted({k for c in children for k in c.units})
        try:
            found = cache.get_many([*keys.values(), *prefetch])
        except Exception:
            log.warning("diary week cache unavailable", exc_info=True)
            found = {}
        current: dict[str, int] | None = {k: int(found.pop(k, 0)) for k in prefetch}
        # each entry holds the versions of the classes and groups it was built from (the
        # journal's writes bump only those): valid while they are still the same. A week
        # built from other units (a past week in another class) asks for those too.
        other = sorted({k for units, _ in found.values() for k in units} - set(prefetch))
        if other:
            more = unit_versions(other)
            current = None if more is None else {**current, **more}
        if current is not None:
            weeks = {
                key: days
                for key, (units, days) in found.items()
                if all(current.get(k) == v for k, v in units.items())
            }
    missing = [c for c in children if keys.get(c) not in weeks]
    if missing:
        built = _build(missing, monday, sunday, unit_versions if keys else None)
        cacheable = {keys[c]: entry for c, entry in built.items() if keys and entry[0] is not None}
        if cacheable:
            try:
                cache.set_many(cacheable, timeout=WEEK_CACHE_SECONDS)
            except Exception:
                log.warning("diary week cache unavailable", exc_info=True)
        weeks.update({keys.get(c, c): days for c, (_, days) in built.items()})
    days_off = _days_off(monday, sunday) if children else {}
    return {
        "week": {"start": monday, "end": sunday},
        "children": [
            {"key": c.key, "name": c.name, "short_name": c.short_name, "role": c.role,
             "school": c.school.name, "class": c.class_name,
             "days": [_with_day_off(d, days_off) for d in weeks[keys.get(c, c)]]}
            for c in children
        ],
    }  # fmt: skip


_DAYS_OFF_SECONDS = 60
_days_off_seen: dict[date, tuple[float, dict]] = {}


def _days_off(monday: date, sunday: date) -> dict:
    """The region's days off and working weekends of the week. The region's production calendar
    changes a few times a year, so each process keeps a week's days for a minute instead of
    asking the database on every request."""
    now = time.monotonic()
    seen = _days_off_seen.get(monday)
    if seen is None or now - seen[0] > _DAYS_OFF_SECONDS:
        days = dict(
            CalendarDay.objects.filter(date__range=(monday, sunday)).values_list("date", "kind")
        )
        if len(_days_off_seen) > 200:
            _days_off_seen.clear()
        seen = _days_off_seen[monday] = (now, days)
    return seen[1]


def days_off_forget(**_) -> None:
    """The calendar was written in this process (signal): forget the kept weeks at once."""
    _days_off_seen.clear()


def _with_day_off(day: dict, days_off: dict) -> dict:
    calendar = days_off.get(day["date"])
    off = calendar in (CalendarDayKind.HOLIDAY, CalendarDayKind.DAY_OFF) or (
        day["date"].weekday() >= 5 and calendar != CalendarDayKind.WORKING and not day["lessons"]
    )
    return {**day, "day_off": off}


# --- the week's queries, each compiled once per process (`across.Across`) ----------------------


def _overlapping(monday: date, sunday: date) -> Q:
    return Q(start__lte=sunday) & (Q(end__isnull=True) | Q(end__gte=monday))


def _in_units(classes, groups) -> Q:
    return Q(school_class_id__any=classes) | Q(group_id__any=groups)


def _membership_spans(model, unit: str) -> Across:
    """Who was in which class (or group) during the week."""
    return Across(
        lambda ids, monday, sunday: model.objects.filter(
            _overlapping(monday, sunday), student_id__any=ids
        ).values_list("student_id", unit, "start", "end"),
        lists=["ids"], dates=["monday", "sunday"],
    )  # fmt: skip


_CLASS_SPANS = _membership_spans(ClassMembership, "school_class_id")
_GROUP_SPANS = _membership_spans(GroupMembership, "group_id")
_LESSONS = Across(
    lambda classes, groups, monday, sunday: Lesson.objects.filter(
        _in_units(classes, groups), date__range=(monday, sunday)
    ).values_list(
        "pk", "date", "number", "school_class_id", "group_id", "subject__name",
        "teacher__last_name", "teacher__first_name", "teacher__middle_name",
        "substitute__last_name", "substitute__first_name", "substitute__middle_name",
        "substitution_reason", "room__number", "moved_from", "record__topic",
        "record__invalidated_at",
    ),
    lists=["classes", "groups"], dates=["monday", "sunday"],
)  # fmt: skip
_HOMEWORK = Across(
    lambda lessons: Homework.objects.filter(
        Q(for_lesson_id__any=lessons) | Q(for_lesson__isnull=True, lesson_id__any=lessons)
    ).values_list("pk", "lesson_id", "for_lesson_id", "lesson__date", "text", "method",
                  "pages", "exercises", "practical"),
    lists=["lessons"],
)  # fmt: skip
_INDIVIDUAL = Across(
    lambda homework: Homework.students.through.objects.filter(
        homework_id__any=homework
    ).values_list("homework_id", "student_id"),
    lists=["homework"],
)  # fmt: skip
_FILES = Across(
    lambda homework: HomeworkFile.objects.filter(homework_id__any=homework).values_list(
        "homework_id", "pk", "file_name", "size"
    ),
    lists=["homework"],
)  # fmt: skip
_MARKS = Across(
    lambda ids, monday, sunday: Mark.objects.filter(
        student_id__any=ids, task__lesson__date__range=(monday, sunday),
        invalidated_at__isnull=True,
    ).values_list("student_id", "task__lesson_id", "task__lesson__date", "task__lesson__number",
                  "task__lesson__subject__name", "value", "comment", "task__work_type__name",
                  "task__title"),
    lists=["ids"], dates=["monday", "sunday"],
)  # fmt: skip
_ATTENDANCE = Across(
    lambda ids, monday, sunday: Attendance.objects.filter(
        student_id__any=ids, lesson__date__range=(monday, sunday), invalidated_at__isnull=True
    ).values_list("student_id", "lesson_id", "code__code", "code__label", "late_minutes", "note"),
    lists=["ids"], dates=["monday", "sunday"],
)  # fmt: skip
_CONTROL = Across(
    lambda classes, groups, monday, sunday: ControlWork.objects.filter(
        _in_units(classes, groups), date__range=(monday, sunday)
    ).values_list("school_class_id", "group_id", "date", "lesson_number", "subject__name", "form",
                  "title"),
    lists=["classes", "groups"], dates=["monday", "sunday"],
)  # fmt: skip
_EVENTS = Across(
    lambda classes, monday, sunday: Event.objects.filter(
        Q(level=EventLevel.SCHOOL) | Q(school_class_id__any=classes), date__lte=sunday
    ).filter(Q(date__gte=monday) | Q(end_date__gte=monday)).values_list(
        "level", "school_class_id", "date", "end_date", "start_time", "title", "place"
    ),
    lists=["classes"], dates=["monday", "sunday"],
)  # fmt: skip
_HOLIDAYS = Across(
    lambda monday, sunday: HolidayPeriod.objects.filter(
        year__is_current=True, start__lte=sunday, end__gte=monday
    ).values_list("name", "start", "end", "grade_from", "grade_to"),
    dates=["monday", "sunday"],
)  # fmt: skip
_BELLS = Across(
    lambda: Bell.objects.filter(schedule__is_default=True).values_list("number", "start", "end")
)


def _build(
    children: list[Child], monday: date, sunday: date, read_units=None
) -> dict[Child, tuple[dict[str, int] | None, list[dict]]]:
    """Each child's days, read with one query over the schools per kind of row, with the
    versions of the classes and groups they come from (`read_units`, read before the rows, so a
    write after them makes the entry outdated; None when not cached)."""
    students = _by_school(children)
    schemas = list(students)
    week = {"monday": monday, "sunday": sunday}
    by_student = [(s, {"ids": ids, **week}) for s, ids in students.items()]
    class_spans = _spans(_CLASS_SPANS.rows(by_student))
    group_spans = _spans(_GROUP_SPANS.rows(by_student))
    classes, groups = defaultdict(set), defaultdict(set)
    unit_keys_of: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (schema, sid), spans in class_spans.items():
        classes[schema] |= {unit for unit, _, _ in spans}
        unit_keys_of[(schema, sid)] |= {unit_key(schema, ("c", u)) for u, _, _ in spans}
    for (schema, sid), spans in group_spans.items():
        groups[schema] |= {unit for unit, _, _ in spans}
        unit_keys_of[(schema, sid)] |= {unit_key(schema, ("g", u)) for u, _, _ in spans}
    seen = (
        read_units(sorted({k for keys in unit_keys_of.values() for k in keys}))
        if read_units
        else None
    )
    units = {s: {"classes": classes[s], "groups": groups[s], **week} for s in schemas}
    lessons = _LESSONS.rows(units.items())
    lesson_ids = defaultdict(list)
    for row in lessons:
        lesson_ids[row[0]].append(row[1])
    homework = _HOMEWORK.rows((s, {"lessons": lesson_ids[s]}) for s in schemas)
    homework_ids = defaultdict(list)
    for row in homework:
        homework_ids[row[0]].append(row[1])
    individual = defaultdict(set)
    for schema, hw, student in _INDIVIDUAL.rows(
        (s, {"homework": homework_ids[s]}) for s in schemas
    ):
        individual[(schema, hw)].add(student)
    files = defaultdict(list)
    for schema, hw, pk, name, size in _FILES.rows(
        (s, {"homework": homework_ids[s]}) for s in schemas
    ):
        files[(schema, hw)].append({"id": pk, "name": name, "size": size})
    marks = _MARKS.rows(by_student)
    attendance = _ATTENDANCE.rows(by_student)
    control = _CONTROL.rows(units.items())
    events = _EVENTS.rows(units.items())
    holidays = _HOLIDAYS.rows((s, week) for s in schemas)
    bells = {
        (schema, number): f"{start:%H:%M}–{end:%H:%M}"
        for schema, number, start, end in _BELLS.rows((s, {}) for s in schemas)
    }

    # --- assembling each child's week from the rows (no queries below) -----------------------
    marks_of, marks_on = defaultdict(list), defaultdict(list)
    for schema, student, lesson, day_, number, subject, value, comment, work, title in marks:
        mark = {"value": value, "work_type": work, "title": title, "comment": comment}
        marks_of[(schema, student, lesson)].append(mark)
        marks_on[(schema, student, day_)].append((lesson, {"subject": subject, "number": number,
                                                           **mark}))  # fmt: skip
    attendance_of = {
        (schema, student, lesson): {"code": code or "", "label": label or "",
                                    "late_minutes": minutes, "note": note}
        for schema, student, lesson, code, label, minutes, note in attendance
    }  # fmt: skip
    homework_due = defaultdict(list)
    for (schema, pk, given_at_lesson, due_lesson, given_on, text, method, pages, exercises,
         practical) in homework:  # fmt: skip
        homework_due[(schema, due_lesson or given_at_lesson)].append(
            (pk, {"text": text, "method": method, "pages": pages, "exercises": exercises,
                  "practical": practical, "given_on": given_on,
                  "files": files.get((schema, pk), [])})
        )  # fmt: skip
    result = {}
    for child in children:
        schema, sid = child.school.schema, child.student_id
        key = (schema, sid)
        days = []
        for offset in range(7):
            day_ = monday + timedelta(days=offset)
            holiday = next(
                (name for s, name, start, end, g_from, g_to in holidays
                 if s == schema and start <= day_ <= end
                 and (child.grade is None or g_from <= child.grade <= g_to)),
                "",
            )  # fmt: skip
            day_lessons = []
            for row in lessons:
                (s, pk, l_date, number, cls, grp, subject, t_last, t_first, t_middle,
                 sub_last, sub_first, sub_middle, reason, room, moved_from, topic,
                 topic_invalid) = row  # fmt: skip
                if s != schema or l_date != day_:
                    continue
                if not (
                    (cls is not None and _member(class_spans, key, cls, day_))
                    or (grp is not None and _member(group_spans, key, grp, day_))
                ):
                    continue
                given = [
                    {**hw, "individual": bool(individual.get((schema, hw_pk)))}
                    for hw_pk, hw in homework_due.get((schema, pk), [])
                    if not individual.get((schema, hw_pk)) or sid in individual[(schema, hw_pk)]
                ]
                control_work = next(
                    (ControlForm(form).label + (f": {title}" if title else "")
                     for s2, c_cls, c_grp, c_date, c_number, c_subject, form, title in control
                     if s2 == schema and c_date == day_ and c_subject == subject
                     and (c_number in (None, number)) and (c_cls, c_grp) == (cls, grp)),
                    None,
                )  # fmt: skip
                day_lessons.append({
                    "id": pk, "number": number, "time": bells.get((schema, number), ""),
                    "subject": subject, "teacher": short_name(t_last, t_first, t_middle),
                    "substitute": short_name(sub_last, sub_first, sub_middle) if sub_last else None,
                    "substitution_reason": reason if sub_last else "",
                    "room": room or "", "moved_from": moved_from,
                    "topic": topic if topic and topic_invalid is None else "",
                    "homework": given, "control_work": control_work,
                    "marks": marks_of.get((schema, sid, pk), []),
                    "attendance": attendance_of.get((schema, sid, pk)),
                })  # fmt: skip
            day_lessons.sort(key=lambda x: (x["number"], x["subject"]))
            shown = {lesson["id"] for lesson in day_lessons}
            # marks at a lesson of another unit (e.g. the class left that day)
            other_marks = [m for lesson, m in marks_on.get((schema, sid, day_), [])
                           if lesson not in shown]  # fmt: skip
            day_events = [
                {"title": title, "place": place, "time": f"{t:%H:%M}" if t else "",
                 "level": level}
                for s, level, cls, start, end, t, title, place in events
                if s == schema and start <= day_ <= (end or start)
                and (level == EventLevel.SCHOOL
                     or (cls is not None and _member(class_spans, key, cls, day_)))
            ]  # fmt: skip
            days.append({
                "date": day_, "weekday": WEEKDAYS[offset], "holiday": holiday,
                "lessons": day_lessons, "other_marks": other_marks, "events": day_events,
            })  # fmt: skip
        units = (
            None
            if seen is None
            else {k: seen[k] for k in unit_keys_of.get((child.school.schema, child.student_id), ())}
        )
        result[child] = (units, days)
    return result
