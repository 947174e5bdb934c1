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
    break_glass = models.BooleanField(
        "break-glass account",
        default=False,
        help_text=(
            "May sign in with a password while password sign-in is off for everyone else "
            "(single sign-on only): the way in when the organisation's sign-in is down. "
            "Keep it to one or two program admins."
        ),
    )
    # The notifications not yet read (kept by `childcop.accounts.notices` in the transaction
    # that writes or reads them), so the bell on every page costs no query of its own.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    keep_stories_if_erased = models.BooleanField(
        "keep my stories if my account is erased",
        default=False,
        help_text="If the social learning team erases your account at your request, your "
        "approved value-creation stories stay, under “Former member” instead of your name. "
        "Unticked, they are removed with your account.",
    )
    weekly_summary = models.BooleanField(
        "weekly summary",
        default=False,
        help_text="Email me on Monday morning what needs me: the “Needs you” list of my "
        "home page (nothing is sent in a week where nothing waits).",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._keyed = self._key_source()  # what the person picker's keys were made from

    def _key_source(self):
        return (self.__dict__.get("display_name"), self.__dict__.get("email"))

    def save(self, *args, **kwargs):
        self.email = (self.email or "").lower()
        if not self.display_name:
            self.display_name = self.email.split("@")[0]
        adding = self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {"display_name", "email"} & set(update_fields):
            return
        if adding or self._key_source() != self._keyed:
            self._write_search_keys(adding)

    def _write_search_keys(self, adding: bool) -> None:
        """The person picker's keys (childcop.accounts.search_keys) for the name and email."""
        from .search_keys import rows_for

        db = self._state.db
        if not adding:
            PersonSearchKey.objects.using(db).filter(person=self).delete()
        PersonSearchKey.objects.using(db).bulk_create(rows_for([self]))
        self._keyed = self._key_source()

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

    @property
    def kind_label(self) -> str:
        from .notices import KINDS

        return KINDS[self.kind].label if self.kind in KINDS else ""


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


class Channel(models.TextChoices):
    """How a person wants one kind of notice: the choices of the preferences page."""

    BOTH = "both", "By email and in childcop"
    PRODUCT = "product", "In childcop only"
    OFF = "off", "Off"


class NotificationPreference(models.Model):
    """A person's choice for one kind of notice; no row means the default, `Channel.BOTH`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_once")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.channel}"


class Access(models.TextChoices):
    """What a notification's reader must still be able to see for it to be listed (checked
    when listing: `childcop.permissions.notifications`)."""

    SIGNED_IN = "signed_in", "anyone signed in"
    COMMUNITY = "community", "who can see the community"
    MEMBER = "member", "its members"
    CORE = "core", "its core group"
    COORDINATOR = "coordinator", "its coordinators"
    SPONSORSHIP = "sponsorship", "its members and sponsors"
    HEALTH = "health", "its core group and sponsors"
    LAUNCH = "launch", "its members and launch leads"
    SPONSOR = "sponsor", "current sponsors"
    PROGRAM_ADMIN = "program_admin", "the social learning team"


class Notification(models.Model):
    """A notice in a person's list, written with the claim of its email (`childcop.mail`),
    in its transaction: the claim, unique per (recipient, kind, key), makes it one."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # written by the product (`childcop.mail`), never typed by a person
    kind = models.CharField(max_length=60, editable=False)
    key = models.CharField(max_length=200, editable=False)
    title = models.CharField(max_length=300, editable=False)
    link = models.CharField(
        max_length=500, editable=False, help_text="The object's address in the product."
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    access = models.CharField(max_length=20, choices=Access.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_list")]
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.recipient}"

    @property
    def kind_label(self) -> str:
        from .notices import KINDS

        return KINDS[self.kind].label if self.kind in KINDS else ""


class PersonSearchKey(models.Model):
    """One way the person picker finds a person: the beginning of a word of their name, or
    their email (childcop.accounts.search_keys); kept by User.save."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="search_keys")
    # UTF-8 bytes of the folded text: compared byte by byte on every database (no collation)
    key = models.BinaryField(max_length=1024)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="personsearchkey_key")]

    def __str__(self):
        return bytes(self.key).decode(errors="replace")
