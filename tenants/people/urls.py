"""People pages on a school's host (`/people/…`)."""

from django.urls import path

from . import pages

app_name = "people"
urlpatterns = [
    path("", pages.students, name="students"),
    path("classes/", pages.classes, name="classes"),
    path("classes/<int:pk>/credentials/", pages.class_credentials, name="class-credentials"),
    path("students/<int:pk>/", pages.student_card, name="student"),
    path("staff/", pages.staff, name="staff"),
    path("consents/", pages.consents_page, name="consents"),
    path("consents/form/", pages.consent_form_pdf, name="consent-form"),
    path("import/", pages.import_start, name="import"),
    path("import/<int:pk>/", pages.import_job, name="import-job"),
]
