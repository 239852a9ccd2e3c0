# Issue 15 (contributing organisations): the other organisations of the care pathway named on a
# case, and the organisation that wrote each chronology event.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_stillbirth_timing"),
    ]

    operations = [
        migrations.AddField(
            model_name="careevent",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
                verbose_name="ajouté par (organisation)",
            ),
        ),
        migrations.CreateModel(
            name="CaseContribution",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "pathway_role",
                    models.CharField(
                        choices=[
                            ("birth_maternity", "Maternité de naissance"),
                            ("transport", "Transport / SMUR pédiatrique"),
                            ("neonatal", "Néonatologie / réanimation"),
                            ("pmi", "PMI"),
                            ("other", "Autre"),
                        ],
                        max_length=20,
                        verbose_name="rôle dans le parcours",
                    ),
                ),
                (
                    "role_label",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "Courte précision, obligatoire pour « Autre » (fonction ou service, "
                            "jamais un nom)."
                        ),
                        max_length=80,
                        verbose_name="précision du rôle",
                    ),
                ),
                (
                    "added_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="ajoutée le",
                    ),
                ),
                (
                    "added_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ajoutée par",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contributions",
                        to="cases.case",
                        verbose_name="cas",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="case_contributions",
                        to="accounts.organisation",
                        verbose_name="organisation contributrice",
                    ),
                ),
            ],
            options={
                "verbose_name": "organisation du parcours",
                "verbose_name_plural": "organisations du parcours",
                "ordering": ["case", "added_at", "pk"],
                "indexes": [
                    models.Index(fields=["organisation", "case"], name="contribution_org_case_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("case", "organisation"), name="case_contribution_unique"
                    )
                ],
            },
        ),
    ]
