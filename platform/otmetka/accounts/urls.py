from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("activate/", views.activate_view, name="activate"),
    path("rules/", views.rules_view, name="rules"),
    path("compromised/", views.compromised_view, name="compromised"),
]
