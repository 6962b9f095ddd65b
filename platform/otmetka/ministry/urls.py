from django.urls import path

from . import views

app_name = "ministry"
urlpatterns = [
    path("templates/", views.templates, name="templates"),
    path("setup/", views.setup_completeness, name="setup-completeness"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/new/", views.school_create, name="school-create"),
    path(
        "schools/<int:pk>/suspend/",
        views.school_status,
        {"change": "suspend"},
        name="school-suspend",
    ),
    path(
        "schools/<int:pk>/archive/",
        views.school_status,
        {"change": "archive"},
        name="school-archive",
    ),
    path(
        "schools/<int:pk>/activate/",
        views.school_status,
        {"change": "activate"},
        name="school-activate",
    ),
]
