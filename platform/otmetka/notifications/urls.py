from django.urls import path

from . import pages

app_name = "notifications"
urlpatterns = [
    path("", pages.subscription, name="subscription"),
    path("unsubscribe/<str:token>/", pages.unsubscribe, name="unsubscribe"),
]
