"""Paper extracts of the diary (DIA-07, X-09): who is on paper, the extract as a real PDF with
the child's own data only, the due flag, the audit trail, the list's queries."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.audit.versions import bump
from tenants.configuration import services as configuration
from tenants.configuration.models import WorkType
from tenants.diary.models import PaperExtract
from tenants.journal import services as journal
from tenants.journal.models import Mark
from tenants.people import consents
from tenants.people import services as people
from tenants.people.models import Guardian, Student
from tests.factories import school_client
from tests.tenants.diary.diary_kit import MONDAY, Term, journal_week, term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
API = "/api/v1/diary/paper"
JSON = "application/json"
NAMES = ("Алексеев", "Борисов", "Васильев", "Григорьев", "Дмитриев")


@dataclass
class PaperClass:
    t: Term
    guardians: dict[str, Guardian]  # by the child's last name
    lead: object  # the class teacher's account

    def student(self, last_name: str) -> Student:
        return next(s for s in self.t.students if s.last_name == last_name)


def guardian_of(student: Student, *, decision: str | None = None, channels=("web",)) -> Guardian:
    """A mother for `student` ("<surname>а Ольга"), with an application registered or none."""
    guardian = people.guardian_link(
        ctx=kit.CTX, student=student, relation="mother",
        data=people.GuardianInput(people.Names(student.last_name + "а", "Ольга"),
                                  phone="+79140000055"),
    ).guardian  # fmt: skip
    if decision is not None:
        consents.consent_register(
            ctx=kit.CTX, student=student, applicant="guardian", decision=decision,
            guardian=guardian, channels=list(channels), on=date(2026, 9, 1),
        )  # fmt: skip
    return guardian


def paper_class(school, names=NAMES) -> PaperClass:
    """5А with a week of journal data; Алексеев's and Дмитриев's mothers consented to the
    electronic diary, Борисов's refused, Васильев's registered nothing, Григорьев's consented to
    e-mail only. Классная leads the class."""
    t = term(school, names=names)
    journal_week(t)
    decisions = {"Алексеев": "consent", "Борисов": "refusal", "Васильев": None,
                 "Григорьев": "consent", "Дмитриев": "consent"}  # fmt: skip
    with schema_context(school.schema_name):
        guardians = {
            s.last_name: guardian_of(
                s, decision=decisions.get(s.last_name, "refusal"),
                channels=("email",) if s.last_name == "Григорьев" else ("web",),
            )
            for s in t.students
        }  # fmt: skip
        lead, lead_user = kit.teacher_account(school, SchoolRole.CLASS_TEACHER, "Классная")
        t.school_class.class_teacher = lead
        t.school_class.save(update_fields=["class_teacher"])
    return PaperClass(t, guardians, lead_user)


def signed_in(school, user):
    client = school_client(school)
    client.force_login(user)
    return client


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    """The PDF's text (pdftotext, poppler). As laid out, a table's row reads on one line (spaces
    collapsed); otherwise words in reading order, all whitespace collapsed (a wrapped cell
    reads whole). Pages are separated by form feeds."""
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF's text")
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-", "-"],
        input=pdf, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    if not layout:
        return "\f".join(" ".join(page.split()) for page in text.split("\f"))
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def test_the_list_has_refusals_no_consent_and_requests_not_web_consents(school_a):
    # given
    p = paper_class(school_a)
    director = school_client(school_a, SchoolRole.DIRECTOR)
    # when
    listed = director.get(f"{API}/children/", {"class": p.t.school_class.pk})
    # then
    assert listed.status_code == 200, listed.content
    rows = {r["student"]["name"].split()[0]: r for r in listed.json()}
    assert set(rows) == {"Борисов", "Васильев", "Григорьев"}
    assert rows["Борисов"]["reasons"] == ["refusal"]
    assert rows["Васильев"]["reasons"] == ["no_access"]  # nothing registered
    assert rows["Григорьев"]["reasons"] == ["no_access"]  # e-mail only
    assert all(not r["method_agreed"] and r["due"] for r in rows.values())
    assert rows["Борисов"]["guardians"][0]["name"] == "Борисова Ольга"
    assert rows["Борисов"]["class"] == {"id": p.t.school_class.pk, "name": "5А"}

    # when: Дмитриев's mother, who consented, asks for paper; Борисов's agrees on the post
    dmitriev, borisov = p.student("Дмитриев"), p.student("Борисов")
    asked = director.put(
        f"{API}/children/{dmitriev.pk}/", {"method": "post", "address": "Майкоп, ул. Лесная, 2"},
        content_type=JSON,
    )  # fmt: skip
    posted = director.put(
        f"{API}/children/{borisov.pk}/",
        {"guardian": p.guardians["Борисов"].pk, "method": "post", "address": "Майкоп, ул. Мира, 1"},
        content_type="application/json",
    )
    # then
    assert asked.status_code == 200, asked.content
    assert asked.json()["reasons"] == ["asked"] and asked.json()["method_agreed"]
    assert posted.json()["guardians"][0]["method"] == "post"
    assert posted.json()["guardians"][0]["address"] == "Майкоп, ул. Мира, 1"
    rows = {r["student"]["name"].split()[0]: r for r in director.get(f"{API}/children/").json()}
    assert set(rows) == {"Борисов", "Васильев", "Григорьев", "Дмитриев"}
    assert rows["Борисов"]["method_agreed"] and rows["Дмитриев"]["reasons"] == ["asked"]
    everyone = director.get(f"{API}/children/", {"all": "1"}).json()
    alekseev = next(r for r in everyone if r["student"]["name"].startswith("Алексеев"))
    assert alekseev["paper"] is False and alekseev["guardians"][0]["reason"] == ""

    # when: she no longer asks for it
    back = director.put(
        f"{API}/children/{dmitriev.pk}/", {"paper": False}, content_type="application/json"
    )
    # then
    assert back.status_code == 200 and back.json()["paper"] is False
    assert back.json()["guardians"][0]["method"] == "post"  # kept on record
    assert "Дмитриев" not in str(director.get(f"{API}/children/").json())


def test_a_withdrawn_consent_puts_the_child_on_paper_at_once(school_a):
    # given
    p = paper_class(school_a)
    director = school_client(school_a, SchoolRole.DIRECTOR)
    alekseev = p.student("Алексеев")
    with schema_context(school_a.schema_name):
        consent = alekseev.consents.get()
        # when
        consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Заявление об отзыве")
    # then
    row = director.get(f"{API}/children/{alekseev.pk}/").json()
    assert row["paper"] and row["reasons"] == ["no_access"] and not row["method_agreed"]


def test_the_extract_is_a_real_pdf_of_the_childs_own_week_and_period(school_a):
    # given: Борисов (a 4 on Monday) also gets a 2 on Wednesday, on «Уравнения»
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    with schema_context(school_a.schema_name):
        wednesday = p.t.lessons[1]
        task = journal.task_add(
            ctx=kit.CTX, lesson=wednesday, work_type=WorkType.objects.get(code="written"),
            author=p.t.teacher,
        )  # fmt: skip
        journal.journal_save(
            ctx=kit.CTX, author=p.t.teacher,
            marks=[journal.MarkChange(task.pk, borisov.pk, "2", comment="Проверочная на дом")],
            topics=[journal.TopicChange(wednesday.pk, "Уравнения")],
        )  # fmt: skip
    teacher = signed_in(school_a, p.lead)

    # when
    week = teacher.post(
        f"{API}/children/{borisov.pk}/extract/", {"kind": "week", "date": MONDAY.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    # then
    assert week.status_code == 200, week.content
    assert week["Content-Type"] == "application/pdf"
    text = pdf_text(week.content)
    for shown in ("Выписка из электронного дневника", "Борисов Иван Сергеевич", "5А класс",
                  "16.11.2026 — 22.11.2026", "Понедельник, 16.11.2026", "Математика", "Дроби",
                  "1 Математика Дроби 4 Устный ответ", "Среда, 18.11.2026",
                  "2 Математика Уравнения № 101, 102, с. 12 2 Письменная работа",
                  f"Дата выдачи: {timezone.localdate():%d.%m.%Y}", "/ Классная А.П. /",
                  "Тестовая школа school-a"):  # fmt: skip
        assert shown in text, shown
    assert "(Проверочная на дом)" in pdf_text(week.content, layout=False)
    for other in ("Алексеев", "Васильев", "Григорьев", "Дмитриев"):
        assert other not in text  # no classmate, nor their mothers

    # when
    period = teacher.post(
        f"{API}/children/{borisov.pk}/extract/", {"kind": "period"},
        content_type="application/json",
    )  # fmt: skip
    # then: the period's marks, and the unsatisfactory mark with its topic (DIA-09)
    text = pdf_text(period.content)
    assert "2 четверть: 05.11.2026 — 28.12.2026" in text and "Математика 4, 2 3.00 — 0" in text
    assert "18.11.2026 Математика 2 Письменная работа Уравнения" in text
    assert "Пропусков нет." in text and "Алексеев" not in text

    # when: the 2 is invalidated as a compromised account's entry (AUD-06)
    with schema_context(school_a.schema_name):
        Mark.objects.filter(student=borisov, value="2").update(invalidated_at=timezone.now())
        bump(school_a.schema_name)
    week = pdf_text(
        teacher.post(
            f"{API}/children/{borisov.pk}/extract/", {"kind": "week", "date": MONDAY.isoformat()},
            content_type="application/json",
        ).content
    )  # fmt: skip
    period = pdf_text(
        teacher.post(
            f"{API}/children/{borisov.pk}/extract/", {"kind": "period"},
            content_type="application/json",
        ).content
    )  # fmt: skip
    # then
    assert "Проверочная" not in week and "Письменная" not in week
    assert "1 Математика Дроби 4 Устный ответ" in week
    assert "Неудовлетворительных отметок нет." in period


def test_a_period_extract_lists_missed_lessons_with_their_topics(school_a):
    # given: Дмитриев (absent on Wednesday) asked for paper
    p = paper_class(school_a)
    dmitriev = p.student("Дмитриев")
    with schema_context(school_a.schema_name):
        journal.journal_save(
            ctx=kit.CTX, author=p.t.teacher, topics=[journal.TopicChange(p.t.lessons[1].pk,
                                                                         "Уравнения")],
        )  # fmt: skip
    director = school_client(school_a, SchoolRole.DIRECTOR)
    director.put(
        f"{API}/children/{dmitriev.pk}/", {"method": "in_person"}, content_type="application/json"
    )
    # when
    period = director.post(
        f"{API}/children/{dmitriev.pk}/extract/", {"kind": "period"},
        content_type="application/json",
    )  # fmt: skip
    # then
    text = pdf_text(period.content)
    assert "Математика 4 4.00 — 1" in text  # the subject's row: one lesson missed
    assert "18.11.2026 Математика болел Уравнения" in text
    assert "лично законному представителю в школе" in text


def test_due_follows_the_regulations_interval(school_a):
    # given
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    director = school_client(school_a, SchoolRole.DIRECTOR)
    made = director.post(
        f"{API}/children/{borisov.pk}/extract/", {"kind": "week"}, content_type="application/json"
    )
    assert made.status_code == 200

    def row():
        return director.get(f"{API}/children/{borisov.pk}/").json()

    assert row()["due"] is False and row()["interval_days"] == 7  # X-09's default
    assert row()["last_extract"]["kind"] == "week" and row()["last_extract"]["handed_at"]
    with schema_context(school_a.schema_name):
        extracts = PaperExtract.objects.filter(student=borisov)
        # when: the last one is a week old
        extracts.update(generated_at=timezone.now() - timedelta(days=7))
    # then
    assert row()["due"] is True
    with schema_context(school_a.schema_name):
        # when: three days old
        extracts.update(generated_at=timezone.now() - timedelta(days=3))
        assert row()["due"] is False
        # when: the school's regulation asks for one every two days
        configuration.regulation_version_create(
            ctx=kit.CTX, effective_from=timezone.localdate(), order=kit.ORDER,
            values={"paper_extract_interval_days": 2},
        )  # fmt: skip
    # then
    assert row()["due"] is True and row()["interval_days"] == 2


def test_writes_append_audit_records(school_a):
    # given
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    teacher = signed_in(school_a, p.lead)
    # when
    teacher.put(
        f"{API}/children/{borisov.pk}/",
        {"method": "other", "note": "через бабушку"},
        content_type="application/json",
    )
    teacher.post(
        f"{API}/children/{borisov.pk}/extract/", {"kind": "week", "handed": False},
        content_type="application/json",
    )  # fmt: skip
    with schema_context(school_a.schema_name):
        extract = PaperExtract.objects.get(student=borisov)
    handed = teacher.post(
        f"{API}/extracts/{extract.pk}/handed/", {"method": "via_student"},
        content_type="application/json",
    )  # fmt: skip
    # then
    assert handed.status_code == 200 and handed.json()["handed_at"]
    again = teacher.post(f"{API}/extracts/{extract.pk}/handed/", {}, content_type=JSON)
    assert again.status_code == 400 and "extract" in again.json()["fields"]
    with schema_context(school_a.schema_name):
        records = {
            r.action: r
            for r in AuditRecord.objects.filter(action__startswith="diary.paper").order_by("pk")
        }
    assert set(records) == {
        "diary.paper_choice", "diary.paper_extract", "diary.paper_extract_handed"
    }  # fmt: skip
    choice = records["diary.paper_choice"]
    assert choice.actor_id == p.lead.pk and choice.source == "api"
    assert choice.new["method"] == "other" and choice.new["note"] == "через бабушку"
    assert choice.old is None and choice.new["reason"] == "refusal"
    assert records["diary.paper_extract"].new["student"] == borisov.pk
    assert records["diary.paper_extract"].new["handed"] is False
    assert records["diary.paper_extract_handed"].new["method"] == "via_student"


def test_the_list_runs_the_same_queries_for_few_and_many_children(school_a):
    # given: two children on paper
    p = paper_class(school_a, names=("Борисов", "Васильев"))
    director = school_client(school_a, SchoolRole.DIRECTOR)
    path = f"{API}/children/"
    director.get(path)  # routing and sessions warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = director.get(path, {"all": "1"})
        assert response.status_code == 200
        return len(queries), len(response.json())

    few, shown = count()
    assert shown == 2
    # when: eight more, with choices and extracts
    with schema_context(school_a.schema_name):
        for i in range(8):
            student = kit.enrol(p.t.school_class, f"Ещёв{'а' * i}")
            guardian_of(student, decision="refusal")
    for student_id in [r["student"]["id"] for r in director.get(path).json()]:
        director.put(f"{path}{student_id}/", {"method": "via_student"},
                     content_type="application/json")  # fmt: skip
        director.post(f"{path}{student_id}/extract/", {"kind": "week"},
                      content_type="application/json")  # fmt: skip
    many, shown = count()
    # then
    assert shown == 10
    assert many == few, (few, many)
    assert few <= 16
