from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo municipalities of the seeds and the ``demo`` command that loads them."""

    name = "kompetensfond.demo"
    label = "demo"
    verbose_name = "Demo"
