from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("enheter/ny/", views.unit_create, name="unit-create"),
    path("enheter/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("enheter/<int:pk>/andra/", views.unit_edit, name="unit-edit"),
    path("enheter/<int:pk>/inaktivera/", views.unit_deactivate, name="unit-deactivate"),
    path("medarbetare/", views.employee_list_view, name="employee-list"),
    path("medarbetare/import/", views.import_upload, name="import-upload"),
    path("medarbetare/import/mall.csv", views.import_template, name="import-template"),
    path("medarbetare/import/<int:pk>/", views.import_detail, name="import-detail"),
    path("medarbetare/import/<int:pk>/forlopp/", views.import_progress_view,
         name="import-progress"),
    path("yrken/", views.occupation_list_view, name="occupation-list"),
]
