from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kompetensfond.plans"
    verbose_name = "Kompetensförsörjningsplan och riktlinjer"
