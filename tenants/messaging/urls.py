from django.urls import path

from . import pages

app_name = "messaging"
urlpatterns = [
    path("", pages.staff_threads, name="threads"),
    path("new/", pages.staff_new, name="new"),
    path("<int:pk>/", pages.staff_thread, name="thread"),
    path("messages/<int:pk>/hide/", pages.staff_hide, name="hide"),
    path("messages/<int:pk>/restore/", pages.staff_restore, name="restore"),
    path("files/<int:pk>/", pages.staff_file, name="file"),
]
