"""Timetable pages on a school's host (`/timetable/…`)."""

from django.urls import path

from . import pages

app_name = "timetable"
urlpatterns = [
    path("", pages.grid, name="grid"),
    path("cell/<int:class_pk>/<int:weekday>/<int:number>/", pages.cell, name="cell"),
    path("substitutions/", pages.substitutions, name="substitutions"),
    path("plans/", pages.plan_list, name="plans"),
    path("plans/<int:pk>/", pages.plan_edit, name="plan"),
]
