"""Global identity (public schema): one user per person, school memberships, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from .roles import RegionRole, SchoolRole


class UserStatus(models.TextChoices):
    ACTIVE = "active", "Активна"
    BLOCKED = "blocked", "Заблокирована"  # e.g. reported compromised (AUD-05)
    DEACTIVATED = "deactivated", "Отключена"  # leavers: never deleted


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields):
        user = self.model(username=username.strip().lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("region_roles", [RegionRole.PLATFORM_OPERATOR])
        return self.create_user(username, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(username=(username or "").strip().lower())


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField("логин", max_length=150, unique=True)
    last_name = models.CharField("фамилия", max_length=100, blank=True)
    first_name = models.CharField("имя", max_length=100, blank=True)
    middle_name = models.CharField("отчество", max_length=100, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("телефон", max_length=20, blank=True)
    esia_subject = models.CharField(
        "идентификатор ЕСИА", max_length=64, null=True, blank=True, unique=True
    )
    status = models.CharField(
        "состояние", max_length=16, choices=UserStatus.choices, default=UserStatus.ACTIVE
    )
    region_roles = ArrayField(
        models.CharField(max_length=32, choices=RegionRole.choices),
        default=list,
        blank=True,
        verbose_name="роли в регионе",
    )
    municipality = models.ForeignKey(
        "region.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name="муниципалитет",
    )
    is_staff = models.BooleanField("доступ к администрированию платформы", default=False)
    date_joined = models.DateTimeField("создана", default=timezone.now)
    # PDN-08: the no-sharing rule and its liability, accepted at activation or first sign-in
    rules_accepted_at = models.DateTimeField("правила приняты", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"

    def __str__(self) -> str:
        return self.username

    @property
    def is_active(self) -> bool:  # Django's auth checks this
        return self.status == UserStatus.ACTIVE

    @property
    def display_name(self) -> str:
        parts = [self.last_name, self.first_name, self.middle_name]
        return " ".join(p for p in parts if p) or self.username


class SchoolMembership(models.Model):
    """A user's roles in one school. Ministry and support staff have none."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        "region.School", on_delete=models.CASCADE, related_name="memberships"
    )
    roles = ArrayField(models.CharField(max_length=32, choices=SchoolRole.choices), default=list)
    is_active = models.BooleanField("действует", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "членство в школе"
        verbose_name_plural = "членства в школах"
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_user_school_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school_id}: {','.join(self.roles)}"


class ApiToken(models.Model):
    """An API token. Only a SHA-256 of the key is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "токен API"
        verbose_name_plural = "токены API"
        indexes = [models.Index(fields=["expires_at"], name="apitoken_expires_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class ActivationCode(models.Model):
    """A one-time code that lets a person set their password (PPL-13, PPL-14).

    Only a SHA-256 of the code is kept; the code itself is printed once, on the credentials
    letter. Issuing a new code for a user voids the open ones.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    school = models.ForeignKey(
        "region.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    issued_by = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "код активации"
        verbose_name_plural = "коды активации"
        indexes = [models.Index(fields=["user", "used_at"], name="activation_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} до {self.expires_at:%d.%m.%Y}"


class CredentialIncident(models.Model):
    """A reported credential compromise (PDN-09, AUD-05): the account is blocked from
    `reported_at` (time T); the director of each school and the support service handle it."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="incidents")
    reported_at = models.DateTimeField("время T")
    note = models.CharField("что случилось", max_length=500, blank=True)
    school_ids = models.JSONField("школы", default=list)
    resolved_at = models.DateTimeField("разобрано", null=True, blank=True)

    class Meta:
        verbose_name = "компрометация учётных данных"
        verbose_name_plural = "компрометации учётных данных"
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.reported_at:%d.%m.%Y %H:%M}"
