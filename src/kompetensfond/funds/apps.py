from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "kompetensfond.funds"
    label = "funds"
