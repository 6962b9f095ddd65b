"""People and structure rules: records, classes, groups, movements, promotion, deactivation."""

from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.configuration import services as configuration
from tenants.people import selectors, services
from tenants.people.models import ClassMembership, Movement, SchoolClass, Staff
from tests.factories import PASSWORD, school_user
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("names", "birth", "field"),
    [
        (services.Names("", "Иван"), date(2015, 1, 1), "last_name"),
        (services.Names("Иванов1", "Иван"), date(2015, 1, 1), "last_name"),
        (services.Names("Иванов", "Иван"), date(2025, 1, 1), "birth_date"),
        (services.Names("Иванов", "Иван"), date(1990, 1, 1), "birth_date"),
    ],
)
def test_student_records_are_checked(school_a, names, birth, field):
    with schema_context(school_a.schema_name):
        five_a = kit.school_class()
        with pytest.raises(ValidationError) as error:
            services.student_enrol(
                ctx=kit.CTX,
                data=services.StudentInput(names=names, birth_date=birth),
                school_class=five_a,
                date_from=kit.YEAR_START,
                order=kit.ORDER,
                today=date(2026, 11, 23),
            )
        assert field in error.value.message_dict
        assert not ClassMembership.objects.exists()


def test_enrolment_creates_membership_movement_and_audit(school_a):
    with schema_context(school_a.schema_name):
        five_a = kit.school_class()
        student = kit.enrol(five_a)
        assert student.full_name == "Иванов Иван Сергеевич"
        assert selectors.class_composition(five_a, date(2026, 10, 1)).count() == 1
        movement = Movement.objects.get(student=student)
        assert (movement.kind, movement.to_class) == ("enrolment", five_a)
        assert AuditRecord.objects.filter(action="student.enrol").count() == 1


def test_guardians_need_a_contact_and_link_once(school_a):
    with schema_context(school_a.schema_name):
        student = kit.enrol(kit.school_class())
        with pytest.raises(ValidationError) as no_contact:
            services.guardian_link(
                ctx=kit.CTX,
                student=student,
                relation="mother",
                data=services.GuardianInput(services.Names("Иванова", "Мария")),
            )
        assert "phone" in no_contact.value.message_dict
        link = services.guardian_link(
            ctx=kit.CTX,
            student=student,
            relation="mother",
            data=services.GuardianInput(
                services.Names("Иванова", "Мария"), phone="8 914 123-45-67"
            ),
        )
        assert link.guardian.phone == "+79141234567"
        with pytest.raises(ValidationError):
            services.guardian_link(
                ctx=kit.CTX, student=student, relation="mother", guardian=link.guardian
            )


def test_classes_and_groups(school_a):
    with schema_context(school_a.schema_name):
        five_a = kit.school_class()
        with pytest.raises(ValidationError) as twice:
            kit.school_class()
        assert "letter" in twice.value.message_dict
        five_b = kit.school_class(letter="б")
        assert five_b.name == "5Б"
        with pytest.raises(ValidationError) as no_subject:
            services.group_create(ctx=kit.CTX, year=kit.year(), kind="subject_split", name="Гр")
        assert "subject" in no_subject.value.message_dict
        english = services.group_create(
            ctx=kit.CTX,
            year=kit.year(),
            kind="subject_split",
            name="5А англ. 1",
            subject=kit.maths(),
            classes=[five_a],
        )
        a, b = kit.enrol(five_a, "Антонов"), kit.enrol(five_b, "Борисов")
        with pytest.raises(ValidationError) as outside:
            services.group_join(
                ctx=kit.CTX, group=english, students=[a, b], date_from=kit.YEAR_START
            )
        assert "Борисов" in outside.value.message_dict["students"][0]
        assert not english.memberships.exists()  # all or nothing
        services.group_join(ctx=kit.CTX, group=english, students=[a], date_from=kit.YEAR_START)
        services.group_leave(ctx=kit.CTX, group=english, student=a, date_to=date(2026, 12, 28))
        assert english.memberships.get().end == date(2026, 12, 28)


def test_a_class_transfer_keeps_the_earlier_class(school_a):
    with schema_context(school_a.schema_name):
        five_a, five_b = kit.school_class(), kit.school_class(letter="Б")
        student = kit.enrol(five_a)
        services.class_transfer(
            ctx=kit.CTX,
            student=student,
            to_class=five_b,
            date_on=date(2026, 11, 9),
            order=kit.ORDER,
        )
        assert selectors.class_composition(five_a, date(2026, 11, 8)).count() == 1
        assert selectors.class_composition(five_a, date(2026, 11, 9)).count() == 0
        assert selectors.class_composition(five_b, date(2026, 11, 9)).count() == 1
        with pytest.raises(ValidationError) as same:
            services.class_transfer(
                ctx=kit.CTX,
                student=student,
                to_class=five_b,
                date_on=date(2026, 12, 1),
                order=kit.ORDER,
            )
        assert "to_class" in same.value.message_dict


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("withdrawal", "left"),
        ("transfer_out", "transferred"),
        ("expulsion", "expelled"),
        ("graduation", "graduated"),
    ],
)
def test_a_movement_ends_the_diary_service(school_a, kind, status):
    with schema_context(school_a.schema_name):
        student = kit.enrol(kit.school_class())
        services.student_leave(
            ctx=kit.CTX,
            student=student,
            kind=kind,
            date_on=date(2026, 12, 15),
            order=configuration.Order("99-у", date(2026, 12, 14)),
            destination="МБОУ СШ № 3, г. Елизово",
        )
        student.refresh_from_db()
        assert student.status == status
        assert student.diary_service_ended_at == date(2026, 12, 15)
        assert "99-у" in student.diary_service_end_reason
        assert not ClassMembership.objects.filter(student=student, end__isnull=True).exists()
        with pytest.raises(ValidationError):
            services.student_leave(
                ctx=kit.CTX,
                student=student,
                kind="withdrawal",
                date_on=date(2026, 12, 16),
                order=kit.ORDER,
            )


def test_transfer_out_names_the_school(school_a):
    with schema_context(school_a.schema_name):
        student = kit.enrol(kit.school_class())
        with pytest.raises(ValidationError) as error:
            services.student_leave(
                ctx=kit.CTX,
                student=student,
                kind="transfer_out",
                date_on=date(2026, 12, 15),
                order=kit.ORDER,
            )
        assert "destination" in error.value.message_dict


def test_year_end_promotion(school_a):
    with schema_context(school_a.schema_name):
        teacher = kit.staff()
        this_year = kit.year()
        next_year = kit.year("2027/2028", date(2027, 9, 1), date(2028, 8, 31))
        five_a = kit.school_class(teacher=teacher)
        eleven = kit.school_class(grade=11)
        pupils = [kit.enrol(five_a, name) for name in ("Алексеев", "Борисов", "Васильев")]
        leaver = kit.enrol(eleven, "Григорьев", birth=date(2009, 5, 1))
        result = services.promote_all(
            ctx=kit.CTX,
            from_year=this_year,
            to_year=next_year,
            order=configuration.Order("120-у", date(2027, 5, 28)),
            keep_back=[pupils[2].pk],
        )
        assert (result.promoted, result.graduated) == (3, 1)
        six_a = SchoolClass.objects.get(year=next_year, grade=6, letter="А")
        assert six_a.class_teacher == teacher
        assert sorted(result.classes_created) == ["5А", "6А"]
        assert selectors.class_composition(six_a, date(2027, 9, 1)).count() == 2
        leaver.refresh_from_db()
        assert leaver.status == "graduated"
        # the old class still shows its students on its own dates
        assert selectors.class_composition(five_a, date(2027, 5, 1)).count() == 3


def test_promotion_is_all_or_nothing(school_a):
    with schema_context(school_a.schema_name):
        this_year = kit.year()
        next_year = kit.year("2027/2028", date(2027, 9, 1), date(2028, 8, 31))
        kit.enrol(kit.school_class(grade=10), "Дмитриев", birth=date(2010, 1, 1))
        kit.enrol(kit.school_class(grade=11), "Егоров", birth=date(2009, 1, 1))
        with pytest.raises(ValidationError) as error:
            services.promote_all(
                ctx=kit.CTX,
                from_year=this_year,
                to_year=next_year,
                order=kit.ORDER,
                graduating_grades=[9],
            )
        assert "graduating_grades" in error.value.message_dict


def test_a_deactivated_staff_member_cannot_sign_in_but_keeps_authorship(school_a):
    user = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    assert authenticate(username=user.username, password=PASSWORD) is not None
    with schema_context(school_a.schema_name):
        member = kit.staff(user=user)
        author = kit.CTX.__class__(actor_id=user.pk, actor_role="subject_teacher", source="page")
        configuration.room_save(ctx=author, number="301")
        services.staff_deactivate(
            ctx=kit.CTX, staff=member, contract_end=date(2026, 11, 30), school_id=school_a.pk
        )
        assert Staff.objects.get(pk=member.pk).deactivated_at is not None
        record = AuditRecord.objects.get(action="room.save")
        assert record.actor_id == user.pk  # the past record still names its author
    assert authenticate(username=user.username, password=PASSWORD) is None
    assert not SchoolMembership.objects.get(user=user, school=school_a).is_active


def test_staff_access_alerts(school_a):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    with schema_context(school_a.schema_name):
        newcomer = services.staff_save(
            ctx=kit.CTX,
            data=services.StaffInput(
                names=services.Names("Новенькая", "Нина"),
                positions=["teacher"],
                contract_start=today - timedelta(days=3),
            ),
        )
        starting = services.staff_save(
            ctx=kit.CTX,
            data=services.StaffInput(
                names=services.Names("Завтрашняя", "Зоя"),
                positions=["teacher"],
                contract_start=today,
            ),
        )
        leaver = services.staff_save(
            ctx=kit.CTX,
            data=services.StaffInput(
                names=services.Names("Ушедшая", "Ульяна"),
                positions=["teacher"],
                contract_start=date(2015, 9, 1),
                contract_end=today - timedelta(days=5),
            ),
        )
        alerts = selectors.staff_access_alerts(today)
        assert alerts["grant_overdue"] == [newcomer]  # not the one who starts today
        assert starting not in alerts["grant_overdue"]
        assert alerts["revoke_overdue"] == [leaver]
        services.staff_deactivate(
            ctx=kit.CTX, staff=leaver, contract_end=leaver.contract_end, school_id=school_a.pk
        )
        assert selectors.staff_access_alerts(today)["revoke_overdue"] == []
