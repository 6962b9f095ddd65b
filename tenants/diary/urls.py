from django.urls import path

from . import pages

app_name = "diary-school"
urlpatterns = [path("receipts/", pages.receipts, name="receipts")]
