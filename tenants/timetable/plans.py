"""Lesson plans (КТП, TTB-06): ordered topics with planned hours for a subject in a class or a
group over a year.

Topics fill the unit's lessons of that subject in date order: a topic of N hours takes N lessons.
A lesson that holds journal data keeps its topic (it was delivered), and so does a lesson whose
topic a teacher moved there by hand (pinned); both use up one hour of their topic, and the other
lessons take the remaining hours in order. Planned versus delivered is then a count per topic.

Every write takes the caller and checks them itself (`access.require_plan_writer`): the subject's
teacher of that class or group, or the administration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import AcademicYear, Subject
from tenants.people.models import Group, SchoolClass, Staff
from tenants.people.selectors import staff_of, unit_grade

from .access import require_plan_writer
from .models import Lesson, LessonPlan, PlanTopic

MAX_TOPICS = 400

# --- the plan and its topics


@transaction.atomic
def plan_create(
    *,
    ctx: AuditContext,
    caller: Caller,
    year: AcademicYear,
    subject: Subject,
    school_class: SchoolClass | None = None,
    group: Group | None = None,
    programme: str = "",
    author: Staff | None = None,
) -> LessonPlan:
    """A plan for a subject in a class or group, by its teacher or the administration. Its author
    is the caller's staff record; only the administration names another."""
    if (school_class is None) == (group is None):
        raise ValidationError({"school_class": ["Укажите класс или группу."]})
    require_plan_writer(caller, LessonPlan(school_class=school_class, group=group, subject=subject))
    own = staff_of(caller)
    if author is not None and author != own and not caller.has_any({Scope.TIMETABLE_WRITE}):
        raise PermissionDenied("Автора планирования назначает администрация.")
    author = author or own
    if author is None:
        raise ValidationError({"author": ["Ваша учётная запись не связана с сотрудником."]})
    unit = school_class or group
    if unit.year_id != year.pk:
        raise ValidationError({"year": [f"{unit.name} — класс другого учебного года."]})
    taken = LessonPlan.objects.filter(
        year=year, subject=subject, school_class=school_class, group=group
    ).first()
    if taken is not None:
        raise ValidationError(
            {"subject": [f"Планирование «{subject.name}» для {unit.name} уже есть (№ {taken.pk})."]}
        )
    plan = LessonPlan.objects.create(
        year=year,
        subject=subject,
        author=author,
        school_class=school_class,
        group=group,
        programme=programme.strip()[:300],
    )
    school_audit_append(
        ctx=ctx,
        action="plan.create",
        obj=plan,
        new={"unit": unit.name, "subject": subject.name, "author": author.short_name},
    )
    return plan


@dataclass(frozen=True)
class TopicInput:
    title: str
    hours: int = 1
    section: str = ""
    id: int | None = None  # an existing topic kept (its lessons stay), or None for a new one


def _topic_errors(topics: Sequence[TopicInput]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(topics) > MAX_TOPICS:
        errors["topics"] = [f"Не больше {MAX_TOPICS} тем."]
    for i, topic in enumerate(topics):
        if not topic.title.strip():
            errors[f"topics[{i}].title"] = ["Укажите тему."]
        elif len(topic.title.strip()) > 500:
            errors[f"topics[{i}].title"] = ["Не длиннее 500 знаков."]
        if not 1 <= topic.hours <= 200:
            errors[f"topics[{i}].hours"] = ["Часов — от 1 до 200."]
        if len(topic.section) > 300:
            errors[f"topics[{i}].section"] = ["Не длиннее 300 знаков."]
    return errors


def plan_topics_save(
    *, ctx: AuditContext, caller: Caller, plan: LessonPlan, topics: Sequence[TopicInput]
) -> LessonPlan:
    """Replace the plan's topics with `topics` in this order, then fill the lessons again.

    A topic with an id keeps its identity (and the lessons it was delivered on); a topic left out
    is removed, unless a lesson with journal data was delivered on it."""
    require_plan_writer(caller, plan)
    return _topics_save(ctx, plan, topics, "save")


@transaction.atomic
def _topics_save(
    ctx: AuditContext, plan: LessonPlan, topics: Sequence[TopicInput], action: str
) -> LessonPlan:
    errors = _topic_errors(topics)
    existing = {t.pk: t for t in plan.topics.all()}
    for i, topic in enumerate(topics):
        if topic.id is not None and topic.id not in existing:
            errors[f"topics[{i}].id"] = ["Такой темы в этом планировании нет."]
    kept_ids = {t.id for t in topics if t.id is not None}
    removed = [pk for pk in existing if pk not in kept_ids]
    delivered = (
        Lesson.objects.filter(plan_topic_id__in=removed, has_journal_data=True)
        .values_list("plan_topic_id", flat=True)
        .distinct()
    )
    for pk in delivered:
        errors.setdefault("topics", []).append(
            f"Тема «{existing[pk].title}» уже пройдена на уроке: её нельзя удалить."
        )
    if errors:
        raise ValidationError(errors)
    old = [[t.title, t.hours] for t in sorted(existing.values(), key=lambda t: t.position)]
    PlanTopic.objects.filter(pk__in=removed).delete()
    # positions are rewritten in two steps so that no order is ever half-applied
    changed, created = [], []
    for position, topic in enumerate(topics, start=1):
        row = existing[topic.id] if topic.id is not None else PlanTopic(plan=plan)
        row.position, row.title = position, topic.title.strip()
        row.hours, row.section = topic.hours, topic.section.strip()
        (changed if topic.id is not None else created).append(row)
    PlanTopic.objects.bulk_update(changed, ["position", "title", "hours", "section"])
    PlanTopic.objects.bulk_create(created)
    plan.save(update_fields=["updated_at"])
    school_audit_append(
        ctx=ctx,
        action=f"plan.{action}",
        obj=plan,
        old={"topics": old},
        new={"topics": [[t.title.strip(), t.hours] for t in topics]},
    )
    plans_fill([plan])
    return plan


def plan_copy(
    *, ctx: AuditContext, caller: Caller, plan: LessonPlan, source: LessonPlan
) -> LessonPlan:
    """Copy the topics of another plan (last year's, or a colleague's) over this one's."""
    require_plan_writer(caller, plan)
    if source.pk == plan.pk:
        raise ValidationError({"source": ["Это то же планирование."]})
    if source.subject_id != plan.subject_id:
        raise ValidationError({"source": ["Планирование другого предмета."]})
    topics = [
        TopicInput(title=t.title, hours=t.hours, section=t.section)
        for t in source.topics.order_by("position")
    ]
    if not topics:
        raise ValidationError({"source": ["В этом планировании нет тем."]})
    return _topics_save(ctx, plan, topics, "copy")


def copy_sources(plan: LessonPlan) -> list[LessonPlan]:
    """Plans to copy from: the subject in the same grade this year (colleagues) and last year."""
    grade = unit_grade(plan.school_class, plan.group)
    same = Q(subject_id=plan.subject_id) & ~Q(pk=plan.pk)
    same &= Q(school_class__grade=grade) | Q(group__classes__grade=grade)
    return list(
        LessonPlan.objects.filter(same)
        .filter(topics__isnull=False)
        .select_related("year", "school_class", "group", "subject", "author")
        .distinct()
        .order_by("-year__start", "pk")[:50]
    )


# --- import (CSV or XLSX: «№», «Раздел», «Тема», «Часов»)

IMPORT_COLUMNS = {"раздел": "section", "тема": "title", "часов": "hours", "часы": "hours"}


def _norm(header: object) -> str:
    return " ".join(str(header or "").split()).lower().replace("ё", "е")


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def topics_from_file(file_name: str, data: bytes) -> list[TopicInput]:
    """Topics from a sheet with the columns «Тема» and «Часов» (and optionally «Раздел», «№»).
    Every bad row is named; nothing is returned unless all rows are good."""
    from tenants.people.imports import read_rows

    raw = read_rows(file_name, data)
    if not raw:
        raise ValidationError({"file": ["В файле нет строк."]})
    header = [_norm(h) for h in raw[0]]
    index = {key: header.index(title) for title, key in IMPORT_COLUMNS.items() if title in header}
    if "title" not in index:
        raise ValidationError({"file": ["Нет столбца «Тема»."]})
    topics, errors = [], []
    for line, values in enumerate(raw[1:], start=2):
        cells = {k: _text(values[i]) if i < len(values) else "" for k, i in index.items()}
        if not any(cells.values()):
            continue
        hours_text = cells.get("hours", "") or "1"
        problems = []
        if not cells["title"]:
            problems.append("нет темы")
        try:
            hours = int(float(hours_text.replace(",", ".")))
            if not 1 <= hours <= 200:
                problems.append("часов должно быть от 1 до 200")
        except ValueError:
            hours = 1
            problems.append(f"«{hours_text}» — не число часов")
        if len(cells["title"]) > 500:
            problems.append("тема длиннее 500 знаков")
        if problems:
            errors.append(f"Строка {line}: {', '.join(problems)}.")
        else:
            topics.append(
                TopicInput(title=cells["title"], hours=hours, section=cells.get("section", ""))
            )
    if errors:
        raise ValidationError({"file": errors})
    if not topics:
        raise ValidationError({"file": ["В файле нет тем."]})
    if len(topics) > MAX_TOPICS:
        raise ValidationError({"file": [f"Не больше {MAX_TOPICS} тем."]})
    return topics


def plan_import(
    *, ctx: AuditContext, caller: Caller, plan: LessonPlan, file_name: str, data: bytes
) -> LessonPlan:
    """Replace the plan's topics with those of a CSV or XLSX sheet (all rows good, or nothing)."""
    require_plan_writer(caller, plan)
    return _topics_save(ctx, plan, topics_from_file(file_name, data), "import")


# --- topics onto lessons


def _unit_lessons(plans: Sequence[LessonPlan]) -> dict[int, list[Lesson]]:
    """Each plan's lessons in date order, in one query."""
    if not plans:
        return {}
    match = Q(subject_id__in={p.subject_id for p in plans})
    if len(plans) <= 50:  # a few plans: only their units; many: the year, sorted out below
        match = Q()
        for plan in plans:
            unit = (
                Q(school_class_id=plan.school_class_id)
                if plan.school_class_id
                else Q(group_id=plan.group_id)
            )
            match |= unit & Q(subject_id=plan.subject_id)
    years = {p.year_id: p.year for p in plans}
    start = min(y.start for y in years.values())
    end = max(y.end for y in years.values())
    by_key: dict[tuple, list[Lesson]] = defaultdict(list)
    for lesson in (
        Lesson.objects.filter(match, date__range=(start, end))
        .only(
            "pk",
            "date",
            "number",
            "school_class_id",
            "group_id",
            "subject_id",
            "has_journal_data",
            "plan_topic_id",
            "topic_pinned",
        )
        .order_by("date", "number", "pk")
    ):
        by_key[(lesson.school_class_id, lesson.group_id, lesson.subject_id)].append(lesson)
    result = {}
    for plan in plans:
        year = years[plan.year_id]
        lessons = by_key.get((plan.school_class_id, plan.group_id, plan.subject_id), [])
        result[plan.pk] = [lesson for lesson in lessons if year.start <= lesson.date <= year.end]
    return result


def plans_fill(plans: Iterable[LessonPlan]) -> int:
    """Put the plans' topics on their lessons (a fixed number of queries for any number of plans);
    returns how many lessons changed."""
    plans = list(plans)
    if not plans:
        return 0
    topics: dict[int, list[PlanTopic]] = defaultdict(list)
    for topic in PlanTopic.objects.filter(plan__in=plans).order_by("plan_id", "position"):
        topics[topic.plan_id].append(topic)
    changed = []
    for plan_pk, lessons in _unit_lessons(plans).items():
        plan_topics = topics.get(plan_pk, [])
        own = {t.pk for t in plan_topics}
        fixed_uses: dict[int, int] = defaultdict(int)
        free = []
        for lesson in lessons:
            fixed = lesson.plan_topic_id in own and (lesson.has_journal_data or lesson.topic_pinned)
            if fixed:
                fixed_uses[lesson.plan_topic_id] += 1
            elif lesson.has_journal_data:
                continue  # delivered without a planned topic: leave it be
            else:
                free.append(lesson)
        slots = [
            t.pk for t in plan_topics for _ in range(max(t.hours - fixed_uses.get(t.pk, 0), 0))
        ]
        for i, lesson in enumerate(free):
            wanted = slots[i] if i < len(slots) else None
            if lesson.plan_topic_id != wanted or lesson.topic_pinned:
                lesson.plan_topic_id, lesson.topic_pinned = wanted, False
                changed.append(lesson)
    _set_topics([(lesson.pk, lesson.plan_topic_id) for lesson in changed])
    return len(changed)


def _set_topics(rows: list[tuple[int, int | None]], batch: int = 5000) -> None:
    """Set lessons' planned topics (unpinned) by one UPDATE … FROM (VALUES …) per batch: much
    faster than an ORM bulk update's CASE for a whole year of lessons."""
    from django.db import connection

    table = Lesson._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join(["(%s::bigint, %s::bigint)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS l SET plan_topic_id = v.topic, topic_pinned = false"  # noqa: S608 - fixed names
                f" FROM (VALUES {values}) AS v(id, topic) WHERE l.id = v.id",
                [x for row in chunk for x in row],
            )


def plans_fill_for_units(unit_keys: Iterable[tuple[int | None, int | None, int]]) -> int:
    """Re-fill the plans of (class id, group id, subject id) units, after lessons were re-made."""
    keys = set(unit_keys)
    if not keys:
        return 0
    if len(keys) > 50:  # most of the school: fill every plan that has lessons in question
        plans = LessonPlan.objects.filter(subject_id__in={k[2] for k in keys}).select_related(
            "year"
        )
        return plans_fill(p for p in plans if (p.school_class_id, p.group_id, p.subject_id) in keys)
    match = Q()
    for class_id, group_id, subject_id in keys:
        match |= Q(school_class_id=class_id, group_id=group_id, subject_id=subject_id)
    return plans_fill(LessonPlan.objects.filter(match).select_related("year"))


@transaction.atomic
def lesson_topic_move(
    *, ctx: AuditContext, caller: Caller, plan: LessonPlan, lesson: Lesson, topic: PlanTopic
) -> Lesson:
    """Move a topic of `plan` onto a lesson by hand (pinned); the following lessons take the rest
    in order."""
    require_plan_writer(caller, plan)
    if topic.plan_id != plan.pk:
        raise ValidationError({"topic": ["Тема из другого планирования."]})
    unit_matches = (
        lesson.school_class_id == plan.school_class_id
        and lesson.group_id == plan.group_id
        and lesson.subject_id == plan.subject_id
    )
    if not unit_matches:
        raise ValidationError({"topic": ["Тема из планирования другого класса или предмета."]})
    if lesson.has_journal_data:
        raise ValidationError(
            {"lesson": ["Урок уже проведён: тему меняют в журнале, с указанием причины."]}
        )
    old = {"topic": lesson.plan_topic_id}
    lesson.plan_topic, lesson.topic_pinned = topic, True
    lesson.save(update_fields=["plan_topic", "topic_pinned"])
    school_audit_append(
        ctx=ctx,
        action="plan.move_topic",
        obj=lesson,
        old=old,
        new={"topic": topic.pk, "title": topic.title, "date": lesson.date},
    )
    plans_fill([plan])
    return lesson


# --- planned versus delivered


@dataclass
class TopicProgress:
    topic: PlanTopic
    planned: int  # hours in the plan
    scheduled: int  # lessons of the year carrying the topic
    delivered: int  # of those, lessons held (journal data) up to the day
    first: date | None
    last: date | None


@dataclass
class PlanProgress:
    topics: list[TopicProgress]
    planned_hours: int
    lessons_in_year: int
    lessons_due: int  # lessons up to the day
    delivered: int  # lessons held with a planned topic up to the day
    behind: int  # lessons up to the day that carry a topic but hold no journal data yet
    uncovered_hours: int  # planned hours that no lesson of the year takes

    @property
    def shortfall(self) -> bool:
        return self.uncovered_hours > 0


def plan_progress(plan: LessonPlan, on: date) -> PlanProgress:
    """Planned against delivered up to `on` (2 queries)."""
    topics = list(plan.topics.order_by("position"))
    lessons = _unit_lessons([plan])[plan.pk]
    rows = {t.pk: TopicProgress(t, t.hours, 0, 0, None, None) for t in topics}
    delivered = behind = due = 0
    for lesson in lessons:
        if lesson.date <= on:
            due += 1
        row = rows.get(lesson.plan_topic_id)
        if row is None:
            continue
        row.scheduled += 1
        row.first = row.first or lesson.date
        row.last = lesson.date
        if lesson.date <= on:
            if lesson.has_journal_data:
                row.delivered += 1
                delivered += 1
            else:
                behind += 1
    planned = sum(t.hours for t in topics)
    uncovered = sum(max(r.planned - r.scheduled, 0) for r in rows.values())
    return PlanProgress(
        topics=list(rows.values()),
        planned_hours=planned,
        lessons_in_year=len(lessons),
        lessons_due=due,
        delivered=delivered,
        behind=behind,
        uncovered_hours=uncovered,
    )
