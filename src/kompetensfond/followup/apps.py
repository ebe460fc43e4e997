from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "kompetensfond.followup"
    verbose_name = "Utbetalningar och uppföljning"
