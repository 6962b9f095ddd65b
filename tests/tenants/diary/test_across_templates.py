"""`across.Across`: a query over several schools compiled once, run with new values."""

from datetime import date

import pytest

from tenants.people.models import ClassMembership
from tenants.school.across import Across, rows_across
from tests.tenants.diary.diary_kit import term

pytestmark = pytest.mark.django_db


def _memberships(ids, since):
    return ClassMembership.objects.filter(student_id__any=ids, start__gte=since).values_list(
        "student_id", "school_class_id"
    )


def test_the_same_rows_as_the_orm_whatever_the_values(school_a, school_b):
    a, b = term(school_a), term(school_b, names=("Гусев",))
    template = Across(_memberships, lists=["ids"], dates=["since"])
    cases = [
        {school_a.schema_name: [s.pk for s in a.students], school_b.schema_name: []},
        {school_a.schema_name: [a.students[0].pk], school_b.schema_name: [b.students[0].pk]},
        {school_a.schema_name: [], school_b.schema_name: [s.pk for s in b.students]},
    ]
    for ids_by_school in cases:
        parts = [(s, {"ids": ids, "since": date(2000, 1, 1)}) for s, ids in ids_by_school.items()]
        found = template.rows(parts)
        expected = rows_across([
            (s, ClassMembership.objects.filter(student_id__in=ids).values_list(
                "student_id", "school_class_id"))
            for s, ids in ids_by_school.items() if ids
        ])  # fmt: skip
        assert sorted(found) == sorted(expected) and found
    # one statement text for every length of the lists (so it is prepared on the connection)
    sql, _ = template._compile()
    assert '"student_id" = ANY(%s)' in sql and " IN (" not in sql
    # a later date leaves nothing
    parts = [(school_a.schema_name, {"ids": [a.students[0].pk], "since": date(2100, 1, 1)})]
    assert template.rows(parts) == []


def test_a_builder_whose_value_is_not_a_parameter_is_refused(school_a):
    # the date is turned into a year: its stand-in is nowhere among the parameters
    template = Across(
        lambda ids, since: ClassMembership.objects.filter(
            student_id__any=ids, start__year__gte=since.year
        ).values_list("student_id"),
        lists=["ids"],
        dates=["since"],
    )
    with pytest.raises(ValueError, match="since"):
        template.rows([(school_a.schema_name, {"ids": [1], "since": date(2026, 1, 1)})])
    # a list spliced into the text (an `__in` lookup): its elements are the parameters
    spliced = Across(
        lambda ids: ClassMembership.objects.filter(student_id__in=ids).values_list("student_id"),
        lists=["ids"],
    )
    with pytest.raises(ValueError, match="ids"):
        spliced.rows([(school_a.schema_name, {"ids": [1]})])


def test_ids_and_parts_of_different_templates_in_one_query(school_a, school_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.school.across import rows_of_templates

    a, b = term(school_a), term(school_b, names=("Гусев",))
    one = Across(
        lambda student: ClassMembership.objects.filter(student_id=student).values_list(
            "student_id", "school_class_id"
        ),
        ints=["student"],
    )
    many = Across(_memberships, lists=["ids"], dates=["since"])
    # an id passed as Django passes it (psycopg's Int8), in two schools, with another template
    with CaptureQueriesContext(connection) as queries:
        found = rows_of_templates([
            (one, school_a.schema_name, {"student": a.students[1].pk}),
            (many, school_b.schema_name, {"ids": [b.students[0].pk], "since": date(2000, 1, 1)}),
        ])  # fmt: skip
    assert len([q for q in queries.captured_queries if "search_path" not in q["sql"]]) == 1
    assert sorted(found) == sorted([
        (school_a.schema_name, a.students[1].pk, a.school_class.pk),
        (school_b.schema_name, b.students[0].pk, b.school_class.pk),
    ])  # fmt: skip
