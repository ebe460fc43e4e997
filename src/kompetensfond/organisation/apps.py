from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "kompetensfond.organisation"
    label = "organisation"
