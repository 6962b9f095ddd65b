"""Presets every school starts with (N-01, N-02, X-03, X-10): grading systems with their
conversions to the 5-point scale, the work-type catalogue and the period-mark notations.

Runs in the template schema, so new schools get the rows from its snapshot; editable per school.
"""

from decimal import Decimal

from django.db import migrations

FIVE = [  # position, code, label, passes, quality
    (1, "1", "неудовлетворительно (1)", False, False),
    (2, "2", "неудовлетворительно", False, False),
    (3, "3", "удовлетворительно", True, False),
    (4, "4", "хорошо", True, True),
    (5, "5", "отлично", True, True),
]
WORK_TYPES = [  # code, name, form, weight, due days
    ("oral", "Устный ответ", "oral", "1", 0),
    ("written", "Письменная работа", "written", "1", 7),
    ("practical", "Практическая работа", "practical", "1", 7),
    ("laboratory", "Лабораторная работа", "practical", "1", 7),
    ("control", "Контрольная работа", "written", "2", 7),
    ("internal_control", "Работа ВШК", "written", "2", 3),
]
NOTATIONS = [  # code, label, description, enabled
    ("exempt", "осв", "освобождён", True),
    ("mastered", "осв", "освоено", False),
    ("not_attested", "н/а", "не аттестован", True),
    ("no_mark", "безотм", "безотметочное обучение", True),
]
PRESET_NAMES = ["Пятибалльная", "Десятибалльная", "Стобалльная", "Зачёт / незачёт",
                "Безотметочное обучение"]


def add_presets(apps, schema_editor):
    GradingSystem = apps.get_model("configuration", "GradingSystem")
    GradeValue = apps.get_model("configuration", "GradeValue")
    Conversion = apps.get_model("configuration", "Conversion")
    ConversionRule = apps.get_model("configuration", "ConversionRule")
    WorkType = apps.get_model("configuration", "WorkType")
    Notation = apps.get_model("configuration", "Notation")

    def system(name, kind, values, default=False):
        created = GradingSystem.objects.create(name=name, kind=kind, is_default=default)
        GradeValue.objects.bulk_create(
            GradeValue(system=created, position=p, code=c, label=label,
                       numeric=Decimal(c) if c.isdigit() else None, passes=ok, counts_quality=q)
            for p, c, label, ok, q in values
        )
        return created

    five = system("Пятибалльная", "five_point", FIVE, default=True)
    ten = system("Десятибалльная", "ten_point",
                 [(n, str(n), f"{n} баллов", n >= 4, n >= 7) for n in range(1, 11)])
    hundred = system("Стобалльная", "hundred_point",
                     [(n + 1, str(n), f"{n} баллов", n >= 50, n >= 70) for n in range(101)])
    system("Зачёт / незачёт", "pass_fail",
           [(1, "незач", "не зачтено", False, False), (2, "зач", "зачтено", True, False)])
    system("Безотметочное обучение", "no_marks", [])
    by_code = {v.code: v for v in GradeValue.objects.filter(system=five)}
    for source, ranges in [
        (ten, [(1, 3, "2"), (4, 5, "3"), (6, 7, "4"), (8, 10, "5")]),
        (hundred, [(0, 49, "2"), (50, 69, "3"), (70, 84, "4"), (85, 100, "5")]),
    ]:
        conversion = Conversion.objects.create(source=source, target=five)
        ConversionRule.objects.bulk_create(
            ConversionRule(conversion=conversion, minimum=Decimal(lo), maximum=Decimal(hi),
                           target_value=by_code[code])
            for lo, hi, code in ranges
        )
    WorkType.objects.bulk_create(
        WorkType(code=c, name=n, form_of_control=f, weight=Decimal(w), mark_due_days=d,
                 is_system=True)
        for c, n, f, w, d in WORK_TYPES
    )
    Notation.objects.bulk_create(
        Notation(code=c, label=label, description=d, is_enabled=e) for c, label, d, e in NOTATIONS
    )


def remove_presets(apps, schema_editor):
    apps.get_model("configuration", "GradingSystem").objects.filter(
        name__in=PRESET_NAMES).delete()
    apps.get_model("configuration", "WorkType").objects.filter(is_system=True).delete()
    apps.get_model("configuration", "Notation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("configuration", "0002_create_grading_work_types_notations")]
    operations = [migrations.RunPython(add_presets, remove_presets)]
