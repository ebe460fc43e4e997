from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("fordelning/", views.distribution_view, name="distribution"),
    path("kon/", views.gender_view, name="gender"),
]
