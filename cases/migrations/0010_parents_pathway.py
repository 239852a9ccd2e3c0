# Issue 15 (parents' pathway): whether the parents were told of the review, by which function
# and when (coordinator side only), and their questions for the committee.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import cases.fields


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_contributions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ParentsContact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("told", "Informés de la revue"),
                            ("not_yet", "Pas encore informés"),
                            ("unreachable", "N'ont pas pu être joints"),
                            ("declined", "Ont refusé de participer"),
                        ],
                        max_length=20,
                        verbose_name="parents informés de la revue",
                    ),
                ),
                ("told_on", models.DateField(blank=True, null=True, verbose_name="informés le")),
                (
                    "told_by_function",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("midwife", "sage-femme"),
                            ("paediatrician", "pédiatre"),
                            ("obstetrician", "obstétricien"),
                            ("general_practitioner", "médecin généraliste"),
                            ("pmi_nurse", "puéricultrice PMI"),
                            ("psychologist", "psychologue"),
                            ("social_worker", "assistant(e) social(e)"),
                            ("other", "autre"),
                        ],
                        max_length=30,
                        verbose_name="informés par (fonction)",
                    ),
                ),
                (
                    "questions",
                    cases.fields.ReviewTextField(
                        blank=True,
                        help_text=(
                            "Les questions que les parents souhaitent poser au comité, "
                            "reformulées sans nom, date exacte, adresse ni numéro (comme le "
                            "résumé)."
                        ),
                        validators=[
                            cases.fields.MaxTextLength(
                                4000,
                                "Les questions des parents ne doivent pas dépasser %(limit)s "
                                "caractères (actuellement %(length)s).",
                            )
                        ],
                        verbose_name="questions des parents",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=0, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="parents_contact",
                        to="cases.case",
                        verbose_name="cas",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="modifié par",
                    ),
                ),
            ],
            options={
                "verbose_name": "information des parents",
                "verbose_name_plural": "informations des parents",
            },
        ),
    ]
