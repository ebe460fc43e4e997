from django.urls import path

from . import views

app_name = "allowances"
urlpatterns = [
    path("", views.scheme_list_view, name="schemes"),
    path("ny/", views.scheme_create_view, name="scheme-create"),
    path("<int:pk>/", views.scheme_detail_view, name="scheme"),
    path("<int:pk>/uppdatera/", views.scheme_update_view, name="scheme-update"),
    path("<int:pk>/avsluta/", views.scheme_expire_view, name="scheme-expire"),
    path("<int:pk>/utnyttjande/", views.uptake_view, name="uptake"),
    path("min/", views.my_allowance_view, name="mine"),
    path("peng/<int:pk>/begar/", views.claim_create_view, name="claim-create"),
    path("begaranden/", views.claim_list_view, name="claims"),
    path("begaranden/<int:pk>/", views.claim_detail_view, name="claim"),
    path("begaranden/<int:pk>/kvitto/", views.claim_receipt_view, name="claim-receipt"),
    path("begaranden/<int:pk>/godkann/", views.claim_approve_view, name="claim-approve"),
    path("begaranden/<int:pk>/avsla/", views.claim_reject_view, name="claim-reject"),
    path("begaranden/<int:pk>/betala/", views.claim_pay_view, name="claim-pay"),
]
