from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("<int:pk>/huvudbok/", views.ledger_list, name="list"),
    path("<int:pk>/huvudbok/<int:txn_pk>/", views.transaction_detail, name="transaction"),
    path("<int:pk>/sie/", views.sie_download, name="sie"),
    path("sie-konton/", views.sie_accounts, name="sie-accounts"),
]
