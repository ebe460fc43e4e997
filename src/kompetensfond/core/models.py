"""Tenancy and people: the municipality (tenant root), users and their roles there."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def luhn_ok(digits: str) -> bool:
    """Luhn check used by Swedish organisation numbers (last digit is the check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


class Municipality(models.Model):
    """A Swedish municipality: the tenant root. Every other row belongs to one."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        unique=True,
        validators=[RegexValidator(r"^\d{6}-\d{4}$", _("Write it as NNNNNN-NNNN."))],
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Identity only: what they may do comes from their Membership.

    ``external_id`` holds the subject of an external identity provider (OIDC ``sub`` or a
    SAML NameID) once one is configured; local accounts leave it empty.
    """

    external_id = models.CharField(_("external identity"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="user_external_id_unique",
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    FUND_ADMIN = "fund_admin", _("Case officer for the fund")
    REVIEWER = "reviewer", _("Reviewer")
    SECRETARY = "secretary", _("Committee secretary")
    UNIT_MANAGER = "unit_manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")
    VIEWER = "viewer", _("Politician or auditor (read only)")


# Roles that read everything in the municipality.
MUNICIPALITY_WIDE_READERS = frozenset({Role.FUND_ADMIN, Role.SECRETARY, Role.VIEWER})


class Membership(models.Model):
    """A user's place in exactly one municipality."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality}"


class RoleAssignment(models.Model):
    """One role of a member. A unit manager's role is scoped to a unit and its subtree."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "organisation.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role", "unit"], name="role_unique"),
            models.CheckConstraint(
                condition=(models.Q(role="unit_manager") & models.Q(unit__isnull=False))
                | (~models.Q(role="unit_manager") & models.Q(unit__isnull=True)),
                name="role_unit_only_for_managers",
            ),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class ApiToken(models.Model):
    """An API token. Only the SHA-256 of its key is stored: the key is shown once, when it
    is made, and a leaked database gives no working token. It expires."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
