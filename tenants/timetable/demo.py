"""Demo timetables: curriculum hours by grade, teachers' load, a clash-free week for every class,
bells, the year's lessons and lesson plans (КТП) for several subjects.

Primary classes (1–4) are taught by their class teacher, except foreign language, music and
physical education; the other teachers each take one subject. The week is filled lesson number by
lesson number so that every class's day is compact and no teacher or room is in two places.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, time
from decimal import Decimal

from django.db import transaction

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext
from tenants.configuration.models import AcademicYear, Room, Subject
from tenants.people import services as people
from tenants.people.models import SchoolClass, Staff, Teaching

from . import plans, services
from .lessons import lessons_make
from .models import TimetableEntry

# weekly hours by subject and grade (after the federal curriculum, simplified)
HOURS: dict[str, dict[tuple[int, int], int]] = {
    "russian": {(1, 5): 5, (6, 6): 6, (7, 7): 4, (8, 9): 3, (10, 11): 2},
    "literary_reading": {(1, 4): 4},
    "literature": {(5, 6): 3, (7, 8): 2, (9, 11): 3},
    "foreign_language": {(2, 4): 2, (5, 11): 3},
    "second_foreign_language": {(5, 9): 2},
    "mathematics": {(1, 4): 4, (5, 6): 5},
    "algebra": {(7, 11): 3},
    "geometry": {(7, 11): 2},
    "probability": {(7, 11): 1},
    "informatics": {(7, 11): 1},
    "world_around": {(1, 4): 2},
    "history": {(5, 11): 2},
    "social_studies": {(6, 9): 1, (10, 11): 2},
    "geography": {(5, 6): 1, (7, 9): 2, (10, 11): 1},
    "physics": {(7, 8): 2, (9, 9): 3, (10, 11): 2},
    "chemistry": {(8, 9): 2, (10, 11): 1},
    "biology": {(5, 7): 1, (8, 9): 2, (10, 11): 1},
    "fine_arts": {(1, 7): 1},
    "music": {(1, 8): 1},
    "labour": {(1, 4): 1, (5, 7): 2, (8, 9): 1},
    "physical_education": {(1, 11): 2},
    "obzr": {(8, 11): 1},
    "individual_project": {(10, 11): 1},
}
SPECIALISTS_IN_PRIMARY = {"foreign_language", "music", "physical_education"}
ROOM_FOR = {"physical_education": "С1", "informatics": "203", "physics": "202"}
MATHS_ROOM = ("mathematics", "algebra", "geometry", "probability")
BELLS = [(1, time(8, 30), time(9, 10)), (2, time(9, 20), time(10, 0)),
         (3, time(10, 15), time(10, 55)), (4, time(11, 15), time(11, 55)),
         (5, time(12, 10), time(12, 50)), (6, time(13, 0), time(13, 40)),
         (7, time(13, 50), time(14, 30)), (8, time(14, 40), time(15, 20))]  # fmt: skip
LAST_DAY = date(2027, 5, 26)
MAX_LOAD = 24  # lessons a week a teacher takes before a colleague helps

# КТП: sections and topics; hours are spread over the year's lessons
TOPICS = {
    "mathematics": [
        (
            "Числа и величины",
            ["Счёт и сравнение чисел", "Натуральные числа", "Величины и их измерение"],
        ),
        (
            "Арифметические действия",
            ["Сложение и вычитание", "Умножение и деление", "Порядок действий", "Дроби"],
        ),
        ("Текстовые задачи", ["Задачи на движение", "Задачи на части", "Задачи на проценты"]),
        ("Геометрия", ["Фигуры на плоскости", "Периметр и площадь", "Объём"]),
        ("Повторение", ["Повторение и контрольная работа"]),
    ],
    "russian": [
        ("Фонетика и графика", ["Звуки и буквы", "Слог и ударение"]),
        ("Морфемика", ["Состав слова", "Правописание корней", "Приставки и суффиксы"]),
        ("Морфология", ["Имя существительное", "Имя прилагательное", "Глагол", "Местоимение"]),
        ("Синтаксис", ["Словосочетание", "Простое предложение", "Сложное предложение"]),
        ("Развитие речи", ["Изложение", "Сочинение"]),
        ("Повторение", ["Повторение изученного, контрольный диктант"]),
    ],
    "algebra": [
        ("Выражения", ["Числовые и буквенные выражения", "Тождества"]),
        ("Функции", ["Линейная функция", "Квадратичная функция", "Графики функций"]),
        ("Уравнения", ["Линейные уравнения", "Системы уравнений", "Квадратные уравнения"]),
        ("Неравенства", ["Числовые неравенства", "Решение неравенств"]),
        ("Повторение", ["Итоговое повторение"]),
    ],
}


def _hours(code: str, grade: int) -> int:
    for (low, high), hours in HOURS.get(code, {}).items():
        if low <= grade <= high:
            return hours
    return 0


def _curriculum(ctx, year, classes, subjects) -> dict[int, dict[int, int]]:
    """Hours per class and subject (and the curriculum lines per grade)."""
    by_class: dict[int, dict[int, int]] = {}
    lines = []
    for grade in sorted({c.grade for c in classes}):
        row = {}
        for subject in subjects:
            hours = _hours(subject.federal_code, grade)
            if hours:
                row[subject.pk] = hours
                lines.append((grade, subject, hours))
        while sum(row.values()) > 34:  # a class's week holds at most 34 lessons here
            row[max(row, key=row.get)] -= 1
        for school_class in classes:
            if school_class.grade == grade:
                by_class[school_class.pk] = row
    for grade, subject, hours in lines:  # through the audited service, like a deputy would
        services.curriculum_line_save(
            ctx=ctx, year=year, grade=grade, subject=subject, hours=Decimal(hours)
        )
    return by_class


def _teachers_for(classes, subjects, hours, staff, keep) -> dict[tuple[int, int], Staff]:
    """Who teaches each (class, subject)."""
    by_pk = {s.pk: s for s in staff}
    codes = {s.pk: s.federal_code for s in subjects}
    chosen: dict[tuple[int, int], Staff] = {k: by_pk[v] for k, v in keep.items() if v in by_pk}
    leaders = {c.class_teacher_id for c in classes if c.grade <= 4}
    pool = [s for s in staff if s.pk not in leaders and s.pk not in set(keep.values())]
    demand: dict[int, int] = defaultdict(int)
    for c in classes:
        for subject_pk, h in hours[c.pk].items():
            if (c.pk, subject_pk) in chosen:
                continue
            if c.grade <= 4 and codes[subject_pk] not in SPECIALISTS_IN_PRIMARY:
                chosen[(c.pk, subject_pk)] = by_pk[c.class_teacher_id]
            else:
                demand[subject_pk] += h
    # teachers per subject in proportion to its hours, at least one each
    total = sum(demand.values()) or 1
    share = {s: max(1, math.floor(len(pool) * h / total)) for s, h in demand.items()}
    while sum(share.values()) > len(pool) and max(share.values()) > 1:
        share[max(share, key=share.get)] -= 1
    teachers_of: dict[int, list[Staff]] = {}
    it = iter(pool)
    for subject_pk in sorted(demand, key=demand.get, reverse=True):
        teachers_of[subject_pk] = [
            t for t in (next(it, None) for _ in range(share[subject_pk])) if t
        ]
    spare = list(it)
    load: dict[int, int] = defaultdict(int)
    subjects_of: dict[int, set[int]] = defaultdict(set)
    for subject_pk, team in teachers_of.items():
        for t in team:
            subjects_of[t.pk].add(subject_pk)
    units = [
        (c, subject_pk, h)
        for c in classes
        for subject_pk, h in hours[c.pk].items()
        if (c.pk, subject_pk) not in chosen
    ]
    for c, subject_pk, h in sorted(units, key=lambda u: -u[2]):
        team = teachers_of.setdefault(subject_pk, [])
        best = min(team, key=lambda t: load[t.pk], default=None)
        if best is None or load[best.pk] + h > MAX_LOAD:
            # a teacher with room for a second subject joins the team
            free = [t for t in spare + pool if len(subjects_of[t.pk]) < 2]
            helper = min(free, key=lambda t: load[t.pk], default=None)
            if helper is not None and (best is None or load[helper.pk] < load[best.pk]):
                team.append(helper)
                subjects_of[helper.pk].add(subject_pk)
                best = helper
        load[best.pk] += h
        chosen[(c.pk, subject_pk)] = best
    return chosen


def _week(classes, hours, teacher_of, rooms, codes) -> list[tuple]:
    """Place every lesson: (class, subject, teacher, room, weekday, number); compact days."""
    busy_teacher: set[tuple[int, int, int]] = set()
    busy_room: set[tuple[int, int, int]] = set()
    left = {c.pk: dict(hours[c.pk]) for c in classes}
    per_day = {c.pk: math.ceil(sum(hours[c.pk].values()) / 5) for c in classes}
    count: dict[tuple[int, int], int] = defaultdict(int)  # (class, day) → lessons placed
    same: dict[tuple[int, int, int], int] = defaultdict(int)  # (class, day, subject)
    placed = []
    # a compact day first; then days may grow by a lesson, then up to 8, at their ends
    for extra, same_limit in ((0, 2), (1, 2), (3, 3)):
        for number in range(1, 9):
            for day in range(1, 6):
                for c in sorted(classes, key=lambda c: (c.grade + number + day) % 7):
                    if count[(c.pk, day)] != number - 1:
                        continue
                    if count[(c.pk, day)] >= min(per_day[c.pk] + extra, 8):
                        continue
                    options = sorted(
                        (s for s, n in left[c.pk].items() if n > 0),
                        key=lambda s: (same[(c.pk, day, s)], -left[c.pk][s]),
                    )
                    for subject_pk in options:
                        teacher = teacher_of[(c.pk, subject_pk)]
                        if (teacher.pk, day, number) in busy_teacher:
                            continue
                        if same[(c.pk, day, subject_pk)] >= same_limit:
                            continue
                        room = _room(codes[subject_pk], c, rooms, busy_room, day, number)
                        busy_teacher.add((teacher.pk, day, number))
                        if room is not None:
                            busy_room.add((room.pk, day, number))
                        left[c.pk][subject_pk] -= 1
                        count[(c.pk, day)] += 1
                        same[(c.pk, day, subject_pk)] += 1
                        placed.append((c, subject_pk, teacher, room, day, number))
                        break
    return placed


def _room(code, school_class, rooms, busy, day, number):
    wanted = ROOM_FOR.get(code) or ("201" if code in MATHS_ROOM else None)
    if wanted is None and school_class.grade <= 4:
        wanted = "101"
    room = rooms.get(wanted)
    if room is None or (room.pk, day, number) in busy:
        return None
    return room


def _plan_topics(code: str, year_hours: int) -> list[plans.TopicInput]:
    sections = TOPICS[code]
    titles = [(section, title) for section, items in sections for title in items]
    base, extra = divmod(max(year_hours, len(titles)), len(titles))
    return [
        plans.TopicInput(title=title, section=section, hours=base + (1 if i < extra else 0))
        for i, (section, title) in enumerate(titles)
    ]


@transaction.atomic
def demo_timetable() -> bool:
    """Fill the current school schema's timetable; False if already done or no people yet."""
    if TimetableEntry.objects.exists():
        return False
    year = AcademicYear.objects.filter(is_current=True).first()
    classes = list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))
    staff = list(Staff.objects.filter(deactivated_at__isnull=True).order_by("pk"))
    if year is None or not classes or not staff:
        return False
    ctx = AuditContext.system("demo")
    subjects = list(Subject.objects.filter(is_active=True))
    codes = {s.pk: s.federal_code for s in subjects}
    hours = _curriculum(ctx, year, classes, subjects)
    keep = {
        (t.school_class_id, t.subject_id): t.staff_id
        for t in Teaching.objects.filter(school_class__in=classes)
    }
    teacher_of = _teachers_for(classes, subjects, hours, staff, keep)
    by_pk = {c.pk: c for c in classes}
    subject_by_pk = {s.pk: s for s in subjects}
    for (class_pk, subject_pk), teacher in teacher_of.items():
        if (class_pk, subject_pk) in keep:
            continue
        people.teaching_assign(
            ctx=ctx, staff=teacher, subject=subject_by_pk[subject_pk],
            school_class=by_pk[class_pk], date_from=year.start,
            weekly_hours=hours[class_pk][subject_pk],
        )  # fmt: skip
    services.bell_schedule_save(
        ctx=ctx,
        name="Основное",
        is_default=True,
        bells=[services.BellInput(n, start, end) for n, start, end in BELLS],
    )
    rooms = {r.number: r for r in Room.objects.filter(is_active=True)}
    week = _week(classes, hours, teacher_of, rooms, codes)
    services.timetable_load(
        ctx=ctx,
        year=year,
        entries=[
            services.EntryInput(
                subject=subject_by_pk[subject_pk], teacher=teacher, weekday=day, number=number,
                valid_from=year.start, valid_to=LAST_DAY, school_class=c, room=room,
            )
            for c, subject_pk, teacher, room, day, number in week
        ],
    )  # fmt: skip
    lessons_make(ctx=ctx, year=year)
    # lesson plans for maths, Russian and algebra in every class that has them, written as the
    # administration (which may name each plan's teacher as its author)
    caller = Caller(user_id=None, scopes=frozenset({Scope.TIMETABLE_WRITE}))
    for (class_pk, subject_pk), teacher in teacher_of.items():
        code = codes[subject_pk]
        if code not in TOPICS:
            continue
        subject = subject_by_pk[subject_pk]
        plan = plans.plan_create(
            ctx=ctx, caller=caller, year=year, school_class=by_pk[class_pk], subject=subject,
            author=teacher, programme=f"Рабочая программа «{subject.name}»",
        )  # fmt: skip
        topics = _plan_topics(code, hours[class_pk][subject_pk] * 33)
        plans.plan_topics_save(ctx=ctx, caller=caller, plan=plan, topics=topics)
    return True
