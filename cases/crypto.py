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

from .text import normalise_identity_text


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


class IdentityTextField(EncryptedTextField):
    """An identity value of the vault (name, NIR, address...), encrypted and kept in normal
    form (`normalise_identity_text`) whatever the route: full_clean (to_python), save
    (pre_save, which updates the instance too) and every value sent to the database
    (get_prep_value, which covers queryset.update()). A value made only of invisible
    characters is empty: emptying a field so is an erasure, never a silent one."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_identity_text(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalise_identity_text(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        if isinstance(value, str):
            value = normalise_identity_text(value)
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        from .fields import IdentityCharField

        return super().formfield(**{"form_class": IdentityCharField, **kwargs})


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
