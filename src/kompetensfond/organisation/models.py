"""Political bodies, the administration/unit tree, occupations (SSYK 2012) and staff."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.models import Municipality


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Municipal council")
    EXECUTIVE_BOARD = "executive_board", _("Municipal executive board")
    COMMITTEE = "committee", _("Committee")
    DISTRICT_COUNCIL = "district_council", _("District council")
    SUB_COMMITTEE = "sub_committee", _("Sub-committee")


class Body(models.Model):
    """A political body that takes decisions (KF, KS, a nämnd, a stadsdelsnämnd, an utskott)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="bodies")
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("abbreviation"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent body"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="sub_bodies",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="body_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ParagraphCounter(models.Model):
    """The last § number a body used in a calendar year. Locked when the next is taken."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="paragraph_counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="paragraph_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}: § {self.last_number}"


class Paragraph(models.Model):
    """The § register: one row per § number a body used in a year, whatever was decided
    under it (a grant, a contribution to a fund). A number is never used twice."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="paragraphs")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField(_("§"))
    text = models.CharField(_("matter"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("§ in the minutes")
        verbose_name_plural = _("§ register")
        ordering = ["body", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "number"],
                                    name="paragraph_register_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1),
                                   name="paragraph_register_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year} § {self.number}"


class UnitKind(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration")
    UNIT = "unit", _("Unit")


class Sector(models.TextChoices):
    EDUCATION = "education", _("Education")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    SOCIAL_SERVICES = "social_services", _("Social services")
    DISABILITY = "disability", _("Disability support")
    CULTURE_LEISURE = "culture_leisure", _("Culture and leisure")
    CENTRAL_ADMINISTRATION = "central_administration", _("Central administration")
    TECHNICAL_SERVICES = "technical_services", _("Technical services")
    URBAN_PLANNING = "urban_planning", _("Urban planning and environment")
    OTHER = "other", _("Other")


class OrgUnit(models.Model):
    """Administration (förvaltning) at the top, units (enheter) of any depth below.

    ``path`` is a materialised path of primary keys ("/3/17/42/") so that a subtree is one
    indexed ``startswith`` filter; services keep it right when a unit moves.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="org_units"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=150)
    cost_centre = models.CharField(_("cost centre"), max_length=20)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    responsible_body = models.ForeignKey(
        Body, verbose_name=_("responsible body"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="units",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="managed_units",
    )
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cost_centre"], name="orgunit_cost_centre_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """An SSYK 2012 group (reference data shared by all municipalities)."""

    ssyk_code = models.CharField(_("SSYK code"), max_length=4, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["ssyk_code"]

    def __str__(self) -> str:
        return f"{self.ssyk_code} {self.name}"

    @property
    def level(self) -> int:
        return len(self.ssyk_code)

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "sv").startswith("sv") and self.name_sv:
            return self.name_sv
        return self.name_en or self.name_sv


class AidCode(models.Model):
    """A municipality's AID job code mapped to an SSYK occupation."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("AID code"), max_length=10)
    label = models.CharField(_("label"), max_length=150, blank=True)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="aid_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class Employee(models.Model):
    """A member of staff, keyed by employee number. No personal identity number, ever."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="employees"
    )
    employee_number = models.CharField(_("employee number"), max_length=30)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="employees",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    employment_rate = models.DecimalField(
        _("employment rate %"), max_digits=5, decimal_places=2, default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    start_date = models.DateField(_("employed from"), null=True, blank=True)
    end_date = models.DateField(_("employed until"), null=True, blank=True)
    # The employee's own login, for their allowance and claims (set by a case officer or
    # the municipality's single sign-on); never from the HR file.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("login"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="employee",
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name", "employee_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "employee_number"], name="employee_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(employment_rate__gte=0) & models.Q(employment_rate__lte=100),
                name="employee_rate_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "unit"], name="employee_muni_unit"),
            # the staff list in its order, a page at a time, for one municipality
            models.Index(fields=["municipality", "last_name", "first_name", "employee_number"],
                         name="employee_muni_name"),
            # headcount per occupation and gender for one municipality, from the index alone
            models.Index(fields=["municipality", "occupation", "gender", "end_date"],
                         name="employee_muni_occupation"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.employee_number})".strip()


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("Has errors")
    VALIDATED = "validated", _("Ready to import")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class EmployeeImport(models.Model):
    """One upload of an HR file: its validation, preview counts and result."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # when a worker last began the import (RUNNING): an import whose worker died is found
    # by ``employee_import_recover`` and run again
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    file_kind = models.CharField(max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    file_error = models.TextField(blank=True)
    end_missing = models.BooleanField(_("end employees missing from the file"), default=False)
    preview = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
