from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("ansokningar/<int:pk>/utbetalning/", views.payment_view, name="payment"),
    path("utbetalningar/import/", views.payment_import_view, name="payment-import"),
    path("uppfoljning/<int:pk>/", views.follow_up_view, name="follow-up"),
    path("uppfoljning/<int:pk>/godkann/", views.follow_up_accept_view, name="accept"),
]
