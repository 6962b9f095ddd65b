"""Journal pages on a school's host (`/journal/…`)."""

from django.urls import path

from . import pages

app_name = "journal"
urlpatterns = [
    path("", pages.journals, name="journals"),
    path("grid/", pages.grid, name="grid"),
]
