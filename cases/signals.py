"""Signals the cases app sends after commit, so that other apps (notifications) can react
without the cases app knowing them."""

from django.dispatch import Signal

# Sent after the transaction commits: sender=Case, case_id, transition, source, target, actor_id.
case_transitioned = Signal()
