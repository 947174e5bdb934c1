"""Personal access tokens: a person's key to the reporting API.

A token reads what its owner reads (the same rules as the pages), in the areas picked when
it was created, and only reads. Only a digest is stored: the token is
`ccp_<prefix>_<secret>`, the prefix finds the row, and the SHA-256 of the whole token is
compared in constant time. The token itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from childcop.validators import single_line

from .choices import Area

TOKEN_START = "ccp_"
PREFIX_LENGTH = 8  # hex digits: finds the row
SECRET_BYTES = 32  # 256 bits of randomness


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_plaintext(self, token: str):
        """The token this plaintext is, or None (any token: revoked too). One query."""
        start, _, rest = token.partition(TOKEN_START)
        prefix, _, secret = rest.partition("_")
        if start or len(prefix) != PREFIX_LENGTH or not secret:
            return None
        found = self.select_related("user").filter(prefix=prefix).first()
        if found is None or not hmac.compare_digest(found.digest, digest_of(token)):
            return None
        return found


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100,
        validators=[single_line],
        help_text="What it is for, e.g. “Power BI: program dashboard”.",
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the token.")
    areas = models.JSONField(default=list, help_text="The areas it reads.")
    read_only = models.BooleanField(default=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "personal access token"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, *, user, name, areas) -> tuple[ApiToken, str]:
        """A new token and its plaintext (to show once; it is never stored)."""
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not cls.objects.filter(prefix=prefix).exists():
                break
        plaintext = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        token = cls.objects.create(
            user=user, name=name, prefix=prefix, digest=digest_of(plaintext), areas=list(areas)
        )
        return token, plaintext

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def hint(self) -> str:
        """How the owner recognises it: its start, never the secret."""
        return f"{TOKEN_START}{self.prefix}_…"

    def area_labels(self) -> list[str]:
        labels = dict(Area.choices)
        return [labels[area] for area in Area.values if area in self.areas]

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
