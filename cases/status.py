"""The states of a case (DESIGN §3), apart from the model so that permissions and guards can
name them without importing the model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    DECLARED = "declared", _("Déclaré")
    EXCLUDED = "excluded", _("Exclu")
    DOCUMENTING = "documenting", _("En documentation")
    READY = "ready", _("Prêt pour revue")
    SCHEDULED = "scheduled", _("Inscrit en séance")
    REVIEWED = "reviewed", _("Revu")
    ACTION_FOLLOW_UP = "action_follow_up", _("Suivi des actions")
    CLOSED = "closed", _("Clôturé")
