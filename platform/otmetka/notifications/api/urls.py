from django.urls import path

from .views import SubscriptionView

urlpatterns = [
    path("diary/subscription/", SubscriptionView.as_view(), name="diary-subscription"),
]
