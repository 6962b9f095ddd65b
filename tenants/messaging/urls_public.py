from django.urls import path

from . import pages

app_name = "diary-messages"
urlpatterns = [
    path("", pages.family_threads, name="threads"),
    path("new/", pages.family_new, name="new"),
    path("<str:key>/<int:pk>/", pages.family_thread, name="thread"),
    path("<str:key>/files/<int:pk>/", pages.family_file, name="file"),
]
