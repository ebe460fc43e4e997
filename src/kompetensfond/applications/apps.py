from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "kompetensfond.applications"
    verbose_name = "Ansökningar och beslut"
