"""The reports app keeps one thing: allowance proposals saved from the simulator, to be
compared side by side. A proposal is kept as the simulator's query (its inputs), so the
comparison always shows today's staff register and ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.models import Municipality


class SavedScenario(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved proposal")
        verbose_name_plural = _("saved proposals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"],
                                    name="saved_scenario_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
