from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kompetensfond.web"
    label = "web"
