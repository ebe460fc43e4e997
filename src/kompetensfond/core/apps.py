from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kompetensfond.core"
    label = "core"
    verbose_name = "Kärna"
