"""The absence codes every school starts with (N-03); editable per school.

Runs in the template schema, so new schools get the rows from its snapshot.
"""

from django.db import migrations

CODES = [  # code, label, counts present, allows make-up
    ("Н", "отсутствовал, причина не известна", False, False),
    ("Б", "болел", False, True),
    ("УП", "уважительная причина", False, True),
    ("НП", "неуважительная причина", False, False),
    ("ОП", "опоздал", True, False),
]


def add_codes(apps, schema_editor):
    AbsenceCode = apps.get_model("journal", "AbsenceCode")
    AbsenceCode.objects.bulk_create(
        AbsenceCode(code=c, label=label, counts_present=present, allows_makeup=makeup, position=i)
        for i, (c, label, present, makeup) in enumerate(CODES, start=1)
    )


def remove_codes(apps, schema_editor):
    apps.get_model("journal", "AbsenceCode").objects.filter(code__in=[c[0] for c in CODES]).delete()


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_create_journal")]
    operations = [migrations.RunPython(add_codes, remove_codes)]
