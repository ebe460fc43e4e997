from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kompetensfond.reports"
    verbose_name = "Rapporter och offentligt register"
