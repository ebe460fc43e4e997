from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("fordelning/", views.distribution_view, name="distribution"),
    path("kon/", views.gender_view, name="gender"),
    path("genomslag/", views.uptake_view, name="uptake"),
    path("centralt-och-enheter/", views.central_view, name="central"),
    path("per-anstalld/", views.per_employee_view, name="per-employee"),
    path("prognos/", views.forecast_view, name="forecast"),
    path("beslutsregister/", views.auditor_register_view, name="register"),
    path("scenario/", views.scenario_view, name="scenario"),
    path("scenario/spara/", views.scenario_save_view, name="scenario-save"),
    path("scenario/jamfor/", views.scenario_compare_view, name="scenario-compare"),
    path("scenario/<int:pk>/ta-bort/", views.scenario_delete_view, name="scenario-delete"),
]
