from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list_view, name="list"),
    path("ny/", views.fund_create_view, name="create"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    path("<int:pk>/kapital/ny/", views.contribution_create_view, name="contribution-create"),
    path("<int:pk>/oronmarkningar/ny/", views.earmark_create_view, name="earmark-create"),
    path("<int:pk>/oronmarkningar/<int:earmark_pk>/andra/", views.earmark_adjust_view,
         name="earmark-adjust"),
    path("<int:pk>/stang/", views.fund_close_view, name="close"),
]
