from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kompetensfond.audit"
    label = "audit"
