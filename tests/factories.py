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
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(MaternityFactory)
    role = Role.CLINICIAN


def member(role: str, organisation: Organisation, **user_fields) -> User:
    """A user holding `role` in `organisation`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user
