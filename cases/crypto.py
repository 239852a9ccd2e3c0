"""Encryption at rest for the identity vault (Fernet, keys from RMM_FIELD_ENCRYPTION_KEY).

Values are stored as Fernet tokens: the database, its backups and anyone reading the table with
SQL see no plaintext. The first configured key encrypts; every configured key decrypts, so a new
key can be put first and old rows re-encrypted with `manage.py rotate_identity_key`.
"""

from datetime import datetime
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("RMM_FIELD_ENCRYPTION_KEY is not set: the vault cannot be used.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never include the token or any plaintext in the message.
        raise ImproperlyConfigured(
            "An identity value cannot be decrypted with the configured keys."
        ) from exc


def rotate(token: str) -> str:
    """The same value re-encrypted under the first (newest) key."""
    return cipher().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text stored encrypted; empty text is stored as an empty string (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))


class EncryptedDateTimeField(EncryptedTextField):
    """An exact date and time (birth, death), encrypted as its ISO text."""

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return datetime.fromisoformat(text) if text else None

    def to_python(self, value):
        if value in (None, "") or isinstance(value, datetime):
            return value or None
        return datetime.fromisoformat(value)

    def get_prep_value(self, value):
        if value in (None, ""):
            return ""
        if isinstance(value, datetime):
            value = value.isoformat()
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        from django import forms

        return forms.DateTimeField(required=not self.blank, **kwargs)
