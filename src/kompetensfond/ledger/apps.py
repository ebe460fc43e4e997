from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "kompetensfond.ledger"
    label = "ledger"
