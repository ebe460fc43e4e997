from django.urls import path

from . import public

app_name = "public"
urlpatterns = [
    path("<slug:slug>/bidrag/", public.register_view, name="register"),
    path("<slug:slug>/bidrag/dcat.jsonld", public.dcat_view, name="dcat"),
]
