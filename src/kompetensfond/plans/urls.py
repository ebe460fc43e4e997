from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("planer/", views.plan_list_view, name="list"),
    path("planer/ny/", views.plan_create_view, name="create"),
    path("planer/<int:pk>/", views.plan_detail, name="detail"),
    path("planer/<int:pk>/strategier/ny/", views.strategy_create_view, name="strategy-create"),
    path("planer/<int:pk>/strategier/<int:strategy_pk>/mal/ny/", views.target_create_view,
         name="target-create"),
    path("planer/<int:pk>/bristyrken/", views.shortage_view, name="shortage"),
    path("planer/<int:pk>/anta/", views.plan_adopt_view, name="adopt"),
    path("planer/<int:pk>/ny-version/", views.plan_new_version_view, name="new-version"),
    path("fonder/<int:pk>/riktlinjer/", views.guideline_detail, name="guideline"),
    path("fonder/<int:pk>/riktlinjer/andra/", views.guideline_edit, name="guideline-edit"),
    path("fonder/<int:pk>/riktlinjer/omgangar/ny/", views.round_create_view, name="round-create"),
    path("fonder/<int:pk>/riktlinjer/delegation/ny/", views.delegation_create_view,
         name="delegation-create"),
]
