"""Journal pages on a school's host (`/journal/…`)."""

from django.urls import path

from . import lesson_page, pages

app_name = "journal"
urlpatterns = [
    path("", pages.journals, name="journals"),
    path("grid/", pages.grid, name="grid"),
    path("lesson/<int:pk>/", lesson_page.lesson, name="lesson"),
    path("audit/", pages.audit, name="audit"),
    path("absence-codes/", pages.absence_codes, name="absence-codes"),
    path("corrections/", pages.corrections_queue, name="corrections"),
]
