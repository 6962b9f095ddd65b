"""The rules of the control-work schedule (TTB-10) and of exam choices (TTB-12), in the
services and through the API where access is the rule."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.events import services
from tenants.events.models import ControlWork, ExamChoice
from tenants.people import services as people
from tenants.people.models import PersonalDataAccess
from tests.factories import school_client
from tests.tenants.events import events_kit as ek
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- control works (TTB-10)


def _work(unit, day=date(2026, 12, 10), form="control_work", title="", **extra):
    key = "school_class" if unit.__class__.__name__ == "SchoolClass" else "group"
    return services.ControlWorkInput(
        subject=kit.maths(), date=day, form=form, title=title, **{key: unit}, **extra
    )


def test_group_works_clash_with_their_class_and_with_groups_sharing_a_student(school_a):
    with schema_context(school_a.schema_name):
        # given 7А split into two English groups, and an elective drawn from group 1's pupils
        seven = kit.school_class(grade=7)
        anna, boris = kit.enrol(seven, "Аннова", "Анна"), kit.enrol(seven, "Борисов", "Борис")
        year = seven.year

        def group(name, members):
            made = people.group_create(
                ctx=kit.CTX, year=year, kind="optional", name=name, classes=[seven]
            )
            people.group_join(ctx=kit.CTX, group=made, students=members, date_from=year.start)
            return made

        first, second = group("7А англ. 1", [anna]), group("7А англ. 2", [boris])
        elective = group("Элективный курс", [anna])
        # when group 1 writes a test on 10 December
        services.control_work_save(ctx=kit.CTX, caller=ek.ADMIN, data=_work(first, form="test"))
        # then group 2 (no shared pupil) may write one the same day
        services.control_work_save(ctx=kit.CTX, caller=ek.ADMIN, data=_work(second, form="test"))
        # but the elective (shares Анна) and the whole class may not
        with pytest.raises(ValidationError) as shared:
            services.control_work_save(ctx=kit.CTX, caller=ek.ADMIN, data=_work(elective))
        assert "7А англ. 1" in _messages(shared.value)["date"][0]
        with pytest.raises(ValidationError) as whole:
            services.control_work_save(ctx=kit.CTX, caller=ek.ADMIN, data=_work(seven))
        assert "тестирование" in _messages(whole.value)["date"][0]
        assert ControlWork.objects.count() == 2


def test_control_work_rules_in_the_service(school_a):
    with schema_context(school_a.schema_name):
        five = kit.school_class()
        # another form of control needs its name
        with pytest.raises(ValidationError) as other:
            services.control_work_save(ctx=kit.CTX, caller=ek.ADMIN, data=_work(five, form="other"))
        assert "title" in _messages(other.value)
        # a day before the year starts is outside it
        with pytest.raises(ValidationError) as early:
            services.control_work_save(
                ctx=kit.CTX, caller=ek.ADMIN, data=_work(five, day=date(2026, 8, 31))
            )
        assert "2026/2027" in _messages(early.value)["date"][0]
        # neither class nor group
        with pytest.raises(ValidationError) as nothing:
            services.control_work_save(
                ctx=kit.CTX,
                caller=ek.ADMIN,
                data=services.ControlWorkInput(
                    subject=kit.maths(), date=date(2026, 12, 1), form="vpr"
                ),
            )
        assert "school_class" in _messages(nothing.value)
        saved = services.control_work_save(
            ctx=kit.CTX, caller=ek.ADMIN, data=_work(five, form="other", title="Защита проекта")
        )
        assert ek.audited("control_work.save", ControlWork, saved.pk)


def test_control_work_writes_refuse_a_wrong_caller_in_the_service(school_a):
    with schema_context(school_a.schema_name):
        # given 5А led by Пятова and taught maths by Математикова, and a deputy with a staff record
        lead, lead_user = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Пятова")
        subj, subj_user = ek.account(school_a, SchoolRole.SUBJECT_TEACHER, "Математикова")
        clerk_user = ek.account(school_a, SchoolRole.RECORDS_CLERK, "Документова")[1]
        deputy, deputy_user = ek.account(school_a, SchoolRole.DEPUTY, "Завучева")
        five = kit.school_class(teacher=lead)
        kit.teach(subj, five)
        # when the deputy schedules a control work, they are recorded as its author
        work = services.control_work_save(
            ctx=kit.CTX, caller=ek.caller(SchoolRole.DEPUTY, deputy_user), data=_work(five)
        )
        assert work.created_by == deputy.pk
        audit = AuditRecord.objects.filter(action__startswith="control_work.")
        records = audit.count()
        wrong = {
            "class teacher of 5А": ek.caller(SchoolRole.CLASS_TEACHER, lead_user),
            "maths teacher of 5А": ek.caller(SchoolRole.SUBJECT_TEACHER, subj_user),
            "records clerk": ek.caller(SchoolRole.RECORDS_CLERK, clerk_user),
        }
        for name, who in wrong.items():
            # then the class teacher, the subject's teacher and a records clerk are each refused
            # adding, changing or deleting one
            with pytest.raises(PermissionDenied):
                services.control_work_save(
                    ctx=kit.CTX, caller=who, data=_work(five, day=date(2026, 12, 11))
                )
            with pytest.raises(PermissionDenied):
                services.control_work_save(
                    ctx=kit.CTX, caller=who, data=_work(five, form="vpr"), work=work
                )
            with pytest.raises(PermissionDenied):
                services.control_work_delete(ctx=kit.CTX, caller=who, work=work)
            # and nothing is written nor audited
            assert list(ControlWork.objects.values_list("pk", "date", "form")) == [
                (work.pk, date(2026, 12, 10), "control_work")
            ], name
            assert audit.count() == records, name


# --- exam choices (TTB-12)


@pytest.fixture
def graduates(school_a):
    """9А led by Девятова with Пётр; 11А led by Одиннадцатова with Ирина; a subject teacher
    teaching 9А."""
    with schema_context(school_a.schema_name):
        lead, lead_user = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Девятова")
        other, other_user = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Одиннадцатова")
        subj, subj_user = ek.account(school_a, SchoolRole.SUBJECT_TEACHER, "Предметникова")
        nine = kit.school_class(grade=9, teacher=lead)
        eleven = kit.school_class(grade=11, teacher=other)
        kit.teach(subj, nine)
        peter = kit.enrol(nine, "Петров", "Пётр", birth=date(2011, 3, 1))
        irina = kit.enrol(eleven, "Иринова", "Ирина", birth=date(2009, 3, 1))
        ek.subject("russian")
    return {
        "lead": ek.client_for(school_a, lead_user),
        "other_lead": ek.client_for(school_a, other_user),
        "subject": ek.client_for(school_a, subj_user),
        "callers": {
            "lead": ek.caller(SchoolRole.CLASS_TEACHER, lead_user),
            "other_lead": ek.caller(SchoolRole.CLASS_TEACHER, other_user),
            "subject": ek.caller(SchoolRole.SUBJECT_TEACHER, subj_user),
        },
        "peter": peter,
        "irina": irina,
        "nine": nine,
        "eleven": eleven,
        "year": nine.year,
    }


def _choice(student, year, kind, code="mathematics", **extra):
    return services.ExamChoiceInput(
        student=student, year=year, kind=kind, subject=ek.subject(code), **extra
    )


def test_the_exam_kind_must_match_the_students_grade(school_a, graduates):
    peter, irina, year = graduates["peter"], graduates["irina"], graduates["year"]
    with schema_context(school_a.schema_name):
        for student, kind in ((peter, "ege"), (peter, "gve11"), (irina, "oge"), (irina, "gve9")):
            with pytest.raises(ValidationError) as wrong:
                services.exam_choice_save(
                    ctx=kit.CTX,
                    caller=ek.ADMIN,
                    data=_choice(student, year, kind, "russian"),
                    today=TODAY,
                )
            assert "классе" in _messages(wrong.value)["kind"][0]
        oge = services.exam_choice_save(
            ctx=kit.CTX, caller=ek.ADMIN, data=_choice(peter, year, "oge"), today=TODAY
        )
        gve = services.exam_choice_save(
            ctx=kit.CTX, caller=ek.ADMIN, data=_choice(irina, year, "gve11", "russian"), today=TODAY
        )
        assert ek.audited("exam_choice.save", ExamChoice, oge.pk)
        assert ek.audited("exam_choice.save", ExamChoice, gve.pk)
        # once per student, year, kind and subject
        with pytest.raises(ValidationError) as twice:
            services.exam_choice_save(
                ctx=kit.CTX, caller=ek.ADMIN, data=_choice(peter, year, "oge"), today=TODAY
            )
        assert "уже выбран" in _messages(twice.value)["subject"][0]


def test_ege_mathematics_needs_a_level_and_other_exams_have_none(school_a, graduates):
    irina, peter, year = graduates["irina"], graduates["peter"], graduates["year"]
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as missing:
            services.exam_choice_save(
                ctx=kit.CTX, caller=ek.ADMIN, data=_choice(irina, year, "ege"), today=TODAY
            )
        assert "базовый или профильный" in _messages(missing.value)["level"][0]
        for student, kind, code in ((irina, "ege", "russian"), (peter, "oge", "mathematics")):
            with pytest.raises(ValidationError) as extra:
                services.exam_choice_save(
                    ctx=kit.CTX, caller=ek.ADMIN,
                    data=_choice(student, year, kind, code, level="basic"), today=TODAY,
                )  # fmt: skip
            assert "только для ЕГЭ по математике" in _messages(extra.value)["level"][0]
        chosen = services.exam_choice_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=_choice(irina, year, "ege", level="profile"),
            today=TODAY,
        )
        assert chosen.level == "profile"


def test_a_submitted_choice_has_a_date_and_is_withdrawn_not_deleted(school_a, graduates):
    peter, year = graduates["peter"], graduates["year"]
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as undated:
            services.exam_choice_save(
                ctx=kit.CTX,
                caller=ek.ADMIN,
                data=_choice(peter, year, "oge", status="submitted"),
                today=TODAY,
            )
        assert "submitted_on" in _messages(undated.value)
        choice = services.exam_choice_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=_choice(peter, year, "oge", status="submitted", submitted_on=TODAY),
            today=TODAY,
        )
        with pytest.raises(ValidationError):
            services.exam_choice_delete(ctx=kit.CTX, caller=ek.ADMIN, choice=choice)
        withdrawn = services.exam_choice_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=_choice(peter, year, "oge", status="withdrawn", submitted_on=TODAY),
            choice=choice,
            today=TODAY,
        )
        assert withdrawn.status == "withdrawn"


def test_a_subject_teacher_cannot_list_exam_choices(school_a, graduates):
    with schema_context(school_a.schema_name):
        services.exam_choice_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=_choice(graduates["peter"], graduates["year"], "oge"),
            today=TODAY,
        )
    # the subject teacher teaches 9А but neither leads it nor has people:read: refused by scope
    subject = graduates["subject"]
    assert subject.get("/api/v1/exam-choices/").status_code == 403
    assert subject.get(f"/api/v1/exam-choices/?class={graduates['nine'].pk}").status_code == 403


def test_the_class_teacher_of_another_class_lists_none_of_9a(school_a, graduates):
    # given Пётр's choice (9А) and Ирина's (11А)
    peter, irina, year = graduates["peter"], graduates["irina"], graduates["year"]
    with schema_context(school_a.schema_name):
        for student, kind in ((peter, "oge"), (irina, "gve11")):
            services.exam_choice_save(
                ctx=kit.CTX, caller=ek.ADMIN, data=_choice(student, year, kind), today=TODAY
            )
    # when the class teacher of 11А (class:write, past the scope check) asks for 9А
    other_lead = graduates["other_lead"]
    for_nine = other_lead.get(f"/api/v1/exam-choices/?class={graduates['nine'].pk}")
    # then the list is empty, while their own class's choice is listed
    assert for_nine.status_code == 200 and for_nine.json() == []
    assert [c["student"] for c in other_lead.get("/api/v1/exam-choices/").json()] == [irina.pk]


def test_exam_choice_writes_refuse_a_wrong_caller_in_the_service(school_a, graduates):
    peter, year, callers = graduates["peter"], graduates["year"], graduates["callers"]
    with schema_context(school_a.schema_name):
        # given Пётр's draft, recorded by the class teacher of 9А
        draft = services.exam_choice_save(
            ctx=kit.CTX, caller=callers["lead"], data=_choice(peter, year, "oge"), today=TODAY
        )
        # when the class teacher of 11А or a subject teacher of 9А writes it, each is refused
        for who in (callers["other_lead"], callers["subject"]):
            with pytest.raises(PermissionDenied):
                services.exam_choice_save(
                    ctx=kit.CTX, caller=who, data=_choice(peter, year, "oge", "russian"),
                    today=TODAY,
                )  # fmt: skip
            with pytest.raises(PermissionDenied):
                services.exam_choice_save(
                    ctx=kit.CTX, caller=who, data=_choice(peter, year, "oge", "russian"),
                    choice=draft, today=TODAY,
                )  # fmt: skip
            with pytest.raises(PermissionDenied):
                services.exam_choice_delete(ctx=kit.CTX, caller=who, choice=draft)
        # then the draft is as it was
        assert list(ExamChoice.objects.values_list("subject__federal_code", flat=True)) == [
            "mathematics"
        ]


def test_the_class_teacher_writes_and_reads_their_class_and_lists_are_logged(school_a, graduates):
    lead, nine, year = graduates["lead"], graduates["nine"], graduates["year"]
    with schema_context(school_a.schema_name):
        russian = ek.subject("russian")
    body = {"student": graduates["peter"].pk, "year": year.pk, "kind": "oge", "subject": russian.pk}
    # the class teacher of 9А records Пётр's choice
    created = lead.post("/api/v1/exam-choices/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["student_name"] == "Петров Пётр Сергеевич"
    # but not Ирина's (11А is not theirs)
    foreign = {**body, "student": graduates["irina"].pk, "kind": "ege"}
    assert (
        lead.post("/api/v1/exam-choices/", foreign, content_type="application/json").status_code
        == 403
    )
    # a wrong grade through the API is a 400 with the message on `kind`
    wrong = lead.post(
        "/api/v1/exam-choices/", {**body, "kind": "ege"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "kind" in wrong.json()["fields"]
    # the deputy records Ирина's; the class teacher of 9А does not see it
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    assert (
        deputy.post(
            "/api/v1/exam-choices/",
            {**foreign, "subject": russian.pk},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert [c["student"] for c in lead.get(f"/api/v1/exam-choices/?year={year.pk}").json()] == [
        graduates["peter"].pk
    ]
    assert len(deputy.get("/api/v1/exam-choices/").json()) == 2
    assert [c["student"] for c in deputy.get(f"/api/v1/exam-choices/?class={nine.pk}").json()] == [
        graduates["peter"].pk
    ]
    # every list view of exam choices is logged (PDN-06)
    with schema_context(school_a.schema_name):
        logged = PersonalDataAccess.objects.filter(what="exam_choices.list")
        assert sorted(logged.values_list("count", flat=True)) == [1, 1, 2]
    # a draft is deleted, with an audit record
    pk = created.json()["id"]
    assert lead.delete(f"/api/v1/exam-choices/{pk}/").status_code == 204
    with schema_context(school_a.schema_name):
        assert ek.audited("exam_choice.delete", ExamChoice, pk)
