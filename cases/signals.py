"""Caches of the cases app forgotten when what they copy changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Organisation

from .selectors import forget_active_organisation_labels


@receiver(post_save, sender=Organisation, dispatch_uid="cases.organisation_saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="cases.organisation_deleted")
def organisation_changed(sender, **kwargs):
    # A new, renamed or deactivated organisation shows in the pathway form's menu at once.
    forget_active_organisation_labels()
