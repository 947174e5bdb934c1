"""People: the custom user model, with the profile and notification preferences."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.urls import reverse

from childcop.validators import single_line


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone this machine knows, by name ("Europe/Brussels")."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def program_time_zone() -> str:
    """The program's time zone (DJANGO_TIME_ZONE): each person's until they choose another."""
    return settings.TIME_ZONE


class UserManager(DjangoUserManager):
    """Users sign in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user_object(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.password = ""
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def _create_user(self, email, password, **extra_fields):
        user = self._create_user_object(email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_program_admin", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=150,
        help_text="How your name is shown to others, e.g. “Amira Haddad”.",
        validators=[single_line],
    )
    job_title = models.CharField(max_length=150, blank=True, validators=[single_line])
    department = models.CharField(
        max_length=150, blank=True, db_index=True, validators=[single_line]
    )
    time_zone = models.CharField(
        max_length=64,
        choices=time_zone_choices,
        default=program_time_zone,
        help_text="Times of sessions, in pages, emails and your calendar, are shown in it.",
    )
    is_program_admin = models.BooleanField(
        "social learning team",
        default=False,
        help_text="Program admins run the whole program of communities of practice.",
    )
    # Notification preferences
    notify_rhythm_reminders = models.BooleanField(
        "session reminders",
        default=True,
        help_text="Email me before the rhythm sessions of my communities.",
    )
    notify_community_news = models.BooleanField(
        "community news",
        default=True,
        help_text="Email me when I am added to a community or given a leadership role.",
    )
    notify_digests = models.BooleanField(
        "digests",
        default=True,
        help_text="Email me a digest of help requests and practice-group reports.",
    )

    calendar_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False,
        help_text="Secret part of the personal calendar feed's address; revocable.",
    )  # fmt: skip

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self):
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").lower()
        if not self.display_name:
            self.display_name = self.email.split("@")[0]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("people:detail", args=[self.pk])

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The person's time zone; the program's when theirs is unknown on this machine."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name.split(" ")[0] if self.display_name else self.email


class SentEmail(models.Model):
    """A claim on one email: (recipient, kind, key) is sent at most once.

    Jobs insert the claim first, under the unique constraint; a second attempt
    (a retry, a duplicate delivery, a second beat) finds it and sends nothing.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200, help_text="What and which period, e.g. a community id.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="sentemail_once_per_key"
            )
        ]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.recipient}"


class InvitationDomain(models.Model):
    """An email domain, beyond sign-up's (`CHILDCOP_SIGNUP_EMAIL_DOMAINS`), whose people may
    be invited into the program (by an attendance import): kept by the program admins."""

    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="e.g. partner.example (no @); stored in lower case.",
        validators=[single_line],
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Why it is allowed.", validators=[single_line]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lstrip("@").lower()
        super().save(*args, **kwargs)
