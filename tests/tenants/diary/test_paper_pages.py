"""Paper extracts for a whole class (one PDF, a section per child, made by a Celery task with
progress) and the class teacher's page."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.diary.models import PaperChoice, PaperExtract, PaperJob
from tests.factories import school_client
from tests.tenants.diary.diary_kit import MONDAY
from tests.tenants.diary.test_paper import API, JSON, paper_class, pdf_text, signed_in
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
ON_PAPER = ("Борисов", "Васильев", "Григорьев")  # the kit's refusal, nothing, e-mail only


def test_a_class_in_one_pdf_a_section_per_child(
    school_a, s3_storage, django_capture_on_commit_callbacks
):
    # given
    p = paper_class(school_a)
    teacher = signed_in(school_a, p.lead)
    # when: the whole class's week, made in the background (eager in tests)
    with django_capture_on_commit_callbacks(execute=True):
        started = teacher.post(
            f"{API}/classes/{p.t.school_class.pk}/extract/",
            {"kind": "week", "date": MONDAY.isoformat()}, content_type=JSON,
        )  # fmt: skip
    # then
    assert started.status_code == 202, started.content
    job = teacher.get(f"{API}/jobs/{started.json()['id']}/").json()
    assert job["status"] == "done" and job["extracts"] == 3
    assert job["progress"] == {"done": 3, "total": 3, "percent": 100}
    pdf = teacher.get(job["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = pdf_text(pdf.content, layout=False).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) == 3  # a page each: the kit's week is short
    for page, last_name in zip(pages, ON_PAPER, strict=True):
        assert page.count("Выписка из электронного дневника") == 1
        assert f"{last_name} Иван Сергеевич" in page
        others = [n for n in ("Алексеев", "Дмитриев", *ON_PAPER) if n != last_name]
        assert not [n for n in others if n in page], page  # nobody else's name on the page
    with schema_context(school_a.schema_name):
        extracts = list(PaperExtract.objects.order_by("student__last_name"))
        assert [e.student.last_name for e in extracts] == list(ON_PAPER)
        assert all(e.handed_at and e.kind == "week" and e.start == MONDAY for e in extracts)
        assert len({e.generated_at for e in extracts}) == 1  # issued in one step
    log = teacher.get(f"{API}/extracts/", {"class": p.t.school_class.pk}).json()
    assert log["count"] == 3 and log["results"][0]["generated_by_name"]
    rows = teacher.get(f"{API}/children/").json()
    assert all(r["last_extract"] and not r["due"] for r in rows)

    # when: a period's extracts, without marking them handed over
    with django_capture_on_commit_callbacks(execute=True):
        period = teacher.post(
            f"{API}/classes/{p.t.school_class.pk}/extract/", {"kind": "period", "handed": False},
            content_type=JSON,
        )  # fmt: skip
    # then
    assert period.status_code == 202
    done = teacher.get(f"{API}/jobs/{period.json()['id']}/").json()
    assert done["status"] == "done"
    text = pdf_text(teacher.get(done["pdf"]).content)
    assert text.count("2 четверть: 05.11.2026 — 28.12.2026") == 3
    with schema_context(school_a.schema_name):
        assert PaperExtract.objects.filter(kind="period", handed_at__isnull=True).count() == 3
        job = PaperJob.objects.get(pk=period.json()["id"])
    # another class teacher cannot follow the job
    with schema_context(school_a.schema_name):
        six = kit.school_class(grade=6)
        other_lead, other_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Шестая")
        six.class_teacher = other_lead
        six.save(update_fields=["class_teacher"])
    stranger = signed_in(school_a, other_user)
    assert stranger.get(f"{API}/jobs/{job.pk}/").status_code == 404
    assert stranger.get(f"{API}/jobs/{job.pk}/pdf/").status_code == 404
    assert stranger.get(f"/diary/paper/jobs/{job.pk}/").status_code == 404
    assert (
        school_client(school_a, SchoolRole.DIRECTOR).get(f"{API}/jobs/{job.pk}/").json()["status"]
        == "done"
    )


def test_a_job_not_done_yet_has_no_pdf(school_a):
    # given: a job queued (the task has not run: the transaction did not commit)
    p = paper_class(school_a)
    teacher = signed_in(school_a, p.lead)
    started = teacher.post(
        f"{API}/classes/{p.t.school_class.pk}/extract/", {"kind": "week"}, content_type=JSON
    )
    # then
    assert started.status_code == 202 and started.json()["status"] == "queued"
    assert started.json()["pdf"] is None
    pdf = teacher.get(f"{API}/jobs/{started.json()['id']}/pdf/")
    assert pdf.status_code == 409 and pdf.json()["code"] == "conflict"
    page = teacher.get(f"/diary/paper/jobs/{started.json()['id']}/")
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.content.decode()
    assert 'data-testid="paper-progress"' in page.content.decode()


def test_the_class_teachers_page(school_a, s3_storage, django_capture_on_commit_callbacks):
    # given
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    teacher = signed_in(school_a, p.lead)
    # when
    page = teacher.get("/diary/paper/")
    # then: their class preselected, the children on paper, no method agreed yet
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{p.t.school_class.pk}" selected>5А' in html
    table = html.split('data-testid="paper-rows"')[1].split("</table>")[0]
    shown = set(re.findall(r'data-student="(\d+)"', table))
    assert shown == {str(p.student(n).pk) for n in ON_PAPER}
    assert table.count("способ не согласован") == 3 and table.count("пора выдать") == 3
    assert "Отказ от электронного дневника" in table
    assert 'name="viewport"' in html and "Выписки класса за неделю" in html

    # when: the post is agreed with Борисов's mother
    pair = f"{borisov.pk}:{p.guardians['Борисов'].pk}"
    saved = teacher.post(
        "/diary/paper/choice/",
        {"class": p.t.school_class.pk, "pair": pair, "paper": "on", "method": "post",
         "address": "Майкоп, ул. Мира, 1", "agreed_on": "2026-11-20"},
    )  # fmt: skip
    # then
    assert saved.status_code == 302
    html = teacher.get(saved["Location"]).content.decode()
    assert "Способ передачи выписок записан." in html
    assert "Почтой</strong>: Майкоп, ул. Мира, 1" in html and "20.11.2026" in html
    with schema_context(school_a.schema_name):
        assert PaperChoice.objects.get(student=borisov).method == "post"

    # when: Борисов's week, from his row's button
    one = teacher.post(
        "/diary/paper/extract/",
        {"student": borisov.pk, "school_class": p.t.school_class.pk, "kind": "week",
         "date": MONDAY.isoformat()},
    )  # fmt: skip
    # then
    assert one.status_code == 200 and one["Content-Type"] == "application/pdf"
    text = pdf_text(one.content)
    assert "Борисов Иван Сергеевич" in text and "(почтой: Майкоп, ул. Мира, 1)" in text

    # when: the whole class's period
    with django_capture_on_commit_callbacks(execute=True):
        batch = teacher.post(
            "/diary/paper/extract/", {"school_class": p.t.school_class.pk, "kind": "period"}
        )
    # then: the job's page, then the PDF
    assert batch.status_code == 302 and "/diary/paper/jobs/" in batch["Location"]
    job_page = teacher.get(batch["Location"]).content.decode()
    assert "Готово выписок: 3" in job_page and "отмечены как выданные" in job_page
    link = re.search(r'href="(/diary/paper/jobs/\d+/pdf/)"', job_page).group(1)
    pdf = teacher.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    log = teacher.get("/diary/paper/").content.decode().split('data-testid="paper-log"')[1]
    assert log.count("2 четверть") == 3 and log.count("неделя") == 1

    # the page is linked where staff find the diary's things
    receipts = teacher.get("/diary/receipts/").content.decode()
    assert 'href="/diary/paper/"' in receipts
    home = school_client(school_a, SchoolRole.DEPUTY).get("/").content.decode()
    assert 'href="/diary/paper/"' in home
    assert (
        'href="/diary/paper/"'
        not in school_client(school_a, SchoolRole.SUBJECT_TEACHER).get("/").content.decode()
    )


def test_the_page_refuses_who_may_not_and_the_admin_records_only(school_a):
    # given
    p = paper_class(school_a)
    # then
    for role in (SchoolRole.SUBJECT_TEACHER, SchoolRole.GUARDIAN, SchoolRole.STUDENT):
        client = school_client(school_a, role)
        assert client.get("/diary/paper/").status_code == 403
        assert client.post("/diary/paper/choice/", {}).status_code == 403
        assert client.post("/diary/paper/extract/", {"kind": "week"}).status_code == 403
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    page = admin.get("/diary/paper/", {"class": p.t.school_class.pk})
    assert page.status_code == 200 and "Выписка за неделю" not in page.content.decode()
    assert 'data-testid="paper-choice"' in page.content.decode()
    refused = admin.post(
        "/diary/paper/extract/", {"student": p.student("Борисов").pk, "kind": "week"}
    )
    assert refused.status_code == 403
