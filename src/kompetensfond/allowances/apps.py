from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "kompetensfond.allowances"
    verbose_name = "Kompetensutvecklingspeng"

    def ready(self) -> None:
        from kompetensfond.organisation.signals import staff_register_changed

        from .signals import update_schemes

        staff_register_changed.connect(update_schemes, dispatch_uid="allowances.update_schemes")
