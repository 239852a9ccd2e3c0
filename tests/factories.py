"""factory_boy factories for the models of every app."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organisation, Role, User

TEST_PASSWORD = "Correct-horse-battery-9"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PMI
    level = ""


class NetworkFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Réseau périnatal {n}")
    kind = Organisation.Kind.NETWORK


class MaternityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Maternité {n}")
    kind = Organisation.Kind.MATERNITY
    level = Organisation.Level.LEVEL_3


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@hopital.test")
    full_name = factory.Sequence(lambda n: f"Professionnel {n}")
    job_title = "Sage-femme"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def persist_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    """A role given directly (a test situation): vault roles skip the confirmation that
    accounts.services requires everywhere else."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(MaternityFactory)
    role = Role.CLINICIAN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from accounts.services import direct_vault_grants

        with direct_vault_grants():
            return super()._create(model_class, *args, **kwargs)


def member(role: str, organisation: Organisation, **user_fields) -> User:
    """A user holding `role` in `organisation`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


# --- Cases ----------------------------------------------------------------------------------
def complete_facts(**overrides) -> dict:
    """Clinical facts a clinician must give before `declare`: an early neonatal death."""
    facts = {
        "outcome": "live_birth_death",
        "gestational_age_weeks": 27,
        "gestational_age_days": 2,
        "birth_weight_g": 980,
        "sex": "female",
        "birth_place_type": "maternity",
        "place_of_death": "nicu",
    }
    facts.update(overrides)
    return facts


# Canary identity: none of these strings may ever reach a committee page, log or export.
CANARY_IDENTITY = {
    "mother_last_name": "Zanzibarova",
    "mother_birth_name": "Quetzalcoatl",
    "mother_first_name": "Philomene",
    "child_last_name": "Zanzibarova",
    "child_first_name": "Anastabelle",
    "mother_nir": "285037512345698",
    "ipp": "IPP778899001",
    "nda": "NDA554433221",
    "address": "17 rue des Canaris, 94000 Créteil",
    "phone": "06 71 72 73 74",
    "email": "philomene.zanzibarova@example.org",
    "narrative_original": "Mme Zanzibarova Philomene, 17 rue des Canaris, arrive à 27 SA + 2 j.",
}


def canary_fragments(identity: dict = CANARY_IDENTITY) -> list[str]:
    """What a leak of a canary would show: every value as written, each of its words of more
    than four letters, and the digits of any number of 8 digits or more (a phone or a NIR
    written with or without spaces, which a split into words would never find)."""
    fragments = set()
    for value in identity.values():
        fragments.add(value)
        fragments |= {word.strip(",.;:") for word in value.split() if len(word.strip(",.;:")) > 4}
        digits = "".join(char for char in value if char.isdigit())
        if len(digits) >= 8:
            fragments.add(digits)
    return sorted(fragments)


class CaseFactory(DjangoModelFactory):
    """A case with complete facts and a canary identity, in any status (set directly: the
    factory builds a situation, the services under test move it)."""

    class Meta:
        model = "cases.Case"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(MaternityFactory)
    territory = factory.SelfAttribute("organisation")
    declared_by = factory.SubFactory(UserFactory)
    # Not the app's "RMM-<year>-" series: a declaration in the same test takes its own number.
    code = factory.Sequence(lambda n: f"RMM-F-{n + 1:04d}")
    outcome = "live_birth_death"
    gestational_age_weeks = 27
    gestational_age_days = 2
    birth_weight_g = 980
    sex = "female"
    birth_place_type = "maternity"
    place_of_death = "nicu"

    @factory.post_generation
    def identity(obj, create, extracted, **kwargs):
        if not create:
            return
        from datetime import datetime, timedelta
        from zoneinfo import ZoneInfo

        from cases.models import IdentityVault

        born_at = datetime(2026, 3, 4, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))
        values = {**CANARY_IDENTITY, "born_at": born_at, "died_at": born_at + timedelta(hours=52)}
        values.update(extracted or {})
        vault = IdentityVault.objects.create(case=obj, **values)
        obj.compute_derived_values(born_at=vault.born_at, died_at=vault.died_at)
        obj.save()

    @classmethod
    def _create(cls, model_class, *args, status="draft", **kwargs):
        # The FSM field is protected: a test situation sets it at creation time only.
        case = model_class(*args, **kwargs)
        case.__dict__["status"] = status
        case.save()
        return case
