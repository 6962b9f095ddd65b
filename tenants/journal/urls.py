"""Journal pages on a school's host (`/journal/…`)."""

from django.urls import path

from . import pages

app_name = "journal"
urlpatterns = [
    path("", pages.journals, name="journals"),
    path("grid/", pages.grid, name="grid"),
    path("audit/", pages.audit, name="audit"),
    path("corrections/", pages.corrections_queue, name="corrections"),
]
