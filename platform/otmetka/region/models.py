"""The region (one per deployment), its municipalities, the schools (tenants) and their hosts."""

from __future__ import annotations

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from .choices import CalendarDayKind, SchoolStatus
from .validators import validate_inn, validate_school_slug, validate_time_zone


class Region(models.Model):
    """The region that runs this deployment. Exactly one row (pk=1)."""

    name = models.CharField("название", max_length=200)
    code = models.CharField("код субъекта РФ", max_length=8)
    default_time_zone = models.CharField(
        "часовой пояс по умолчанию", max_length=64, validators=[validate_time_zone]
    )
    public_service_name = models.CharField("название услуги", max_length=500, blank=True)

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регион"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="region_singleton")]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week in the region's production calendar (CFG-14, N-06).

    Days not listed here are working days from Monday to Friday and days off on weekends.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField("дата")
    kind = models.CharField("вид дня", max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField("примечание", max_length=200, blank=True)

    class Meta:
        verbose_name = "день производственного календаря"
        verbose_name_plural = "производственный календарь"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="calendar_day_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"


class Municipality(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField("название", max_length=200)
    code = models.CharField("код ОКТМО", max_length=11, unique=True)
    time_zone = models.CharField(
        "часовой пояс", max_length=64, blank=True, validators=[validate_time_zone]
    )

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(TenantMixin):
    """A school: one tenant with its own PostgreSQL schema.

    Schemas are created by `otmetka.region.provisioning` from the migrated template, never by
    django-tenants' save() hook.
    """

    auto_create_schema = False
    auto_drop_schema = False

    slug = models.SlugField("адрес", max_length=40, unique=True, validators=[validate_school_slug])
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    inn = models.CharField("ИНН", max_length=10, unique=True, validators=[validate_inn])
    address = models.CharField("адрес", max_length=500, blank=True)
    time_zone = models.CharField("часовой пояс", max_length=64, validators=[validate_time_zone])
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name="муниципалитет"
    )
    status = models.CharField(
        "состояние", max_length=16, choices=SchoolStatus.choices, default=SchoolStatus.ACTIVE
    )
    status_reason = models.CharField("основание смены состояния", max_length=500, blank=True)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    activated_at = models.DateTimeField("подключена", null=True, blank=True)
    status_changed_at = models.DateTimeField("состояние изменено", null=True, blank=True)

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"
        ordering = ["short_name"]
        indexes = [models.Index(fields=["municipality", "status"], name="school_muni_status_idx")]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_active(self) -> bool:
        return self.status == SchoolStatus.ACTIVE


class Domain(DomainMixin):
    """A host name that routes to a school: `<slug>.<base domain>` and any custom ones."""

    class Meta:
        verbose_name = "домен"
        verbose_name_plural = "домены"


class SchemaSnapshot(models.Model):
    """The template schema's DDL and seed rows, captured once per migration state (ADR 0001).

    Creating a school replays the snapshot for the current migration state in one transaction.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    migrations_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "снимок шаблона школы"
        verbose_name_plural = "снимки шаблона школы"

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]} ({self.migrations_count} migrations)"


class RegionTemplate(models.Model):
    """A version of the region's configuration template (N-22): calendar, periods, grading,
    work types and regulation defaults. At most one draft; a published version never changes.

    The content's sections and rules: `tenants.configuration.regional_template`.
    """

    version = models.PositiveIntegerField("версия", unique=True)
    is_published = models.BooleanField("опубликован", default=False)
    content = models.JSONField("содержимое")
    note = models.CharField("что изменилось", max_length=500, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)

    class Meta:
        verbose_name = "шаблон настроек региона"
        verbose_name_plural = "шаблоны настроек региона"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_published"],
                condition=models.Q(is_published=False),
                name="one_template_draft",
            )
        ]

    def __str__(self) -> str:
        return f"Шаблон региона, версия {self.version}"
