from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("enheter/<int:pk>/", views.unit_detail, name="unit-detail"),
]
