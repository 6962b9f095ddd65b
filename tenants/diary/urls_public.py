from django.urls import path

from . import pages

app_name = "diary"
urlpatterns = [
    path("", pages.week, name="week"),
    path("subject/", pages.subject, name="subject"),
    path("summary/", pages.summary, name="summary"),
    path("card/", pages.card, name="card"),
    path("file/<int:pk>/", pages.homework_file, name="file"),
]
