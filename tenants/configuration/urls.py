"""The settings pages on a school's host (`/settings/…`) and the public list of its acts."""

from django.urls import path

from . import pages

app_name = "configuration"
urlpatterns = [
    path("", pages.overview, name="overview"),
    path("year/", pages.year, name="year"),
    path("structures/new/", pages.structure_edit, name="structure-new"),
    path("structures/<int:pk>/", pages.structure_edit, name="structure-edit"),
    path("grading/", pages.grading, name="grading"),
    path("grading/new/", pages.grading_system_new, name="grading-new"),
    path("regulation/", pages.regulation_page, name="regulation"),
    path("subjects/", pages.subjects, name="subjects"),
    path("acts/", pages.acts, name="acts"),
    path("acts/<int:pk>/file/", pages.act_file, name="act-file"),
    path("template/", pages.template, name="template"),
]

public_urlpatterns = [
    path("acts/", pages.public_acts, name="public-acts"),
    path("acts/<int:pk>/file/", pages.public_act_file, name="public-act-file"),
]
