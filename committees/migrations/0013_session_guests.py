# Issue 15 (invited guests): professionals invited from outside the committee for one case.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import cases.fields


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0012_seat_roles_reconcile"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionGuest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "function",
                    cases.fields.ReviewCharField(
                        max_length=100, verbose_name="fonction dans le parcours"
                    ),
                ),
                ("invited_at", models.DateTimeField(verbose_name="invité le")),
                (
                    "charter_accepted_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="charte acceptée le"
                    ),
                ),
                (
                    "charter_version",
                    models.CharField(
                        blank=True, max_length=20, verbose_name="version de la charte"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="invitation retirée le"
                    ),
                ),
                (
                    "presence",
                    models.CharField(
                        blank=True,
                        choices=[("present", "Présent"), ("absent", "Absent")],
                        max_length=10,
                        verbose_name="présence",
                    ),
                ),
                (
                    "agenda_item",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="guests",
                        to="committees.agendaitem",
                        verbose_name="inscription à l'ordre du jour",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                        verbose_name="cas",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invité par",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="guests",
                        to="committees.session",
                        verbose_name="séance",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_invitations",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="professionnel invité",
                    ),
                ),
            ],
            options={
                "verbose_name": "invité extérieur",
                "verbose_name_plural": "invités extérieurs",
                "ordering": ["session", "case", "invited_at", "pk"],
                "indexes": [
                    models.Index(fields=["user", "case"], name="session_guest_user_case")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "case", "user"), name="session_guest_once_per_case"
                    )
                ],
            },
        ),
    ]
