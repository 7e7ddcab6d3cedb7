"""factory_boy factories for the test suite."""

import factory
from django.utils import timezone

from accounts.models import ProviderOrganization, ProviderType, Representative, User
from accounts.validators import npi_with_check_digit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@provider.example")
    full_name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class ProviderOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderOrganization

    legal_name = factory.Sequence(lambda n: f"Test Provider Organization {n}")
    npi = factory.Sequence(lambda n: npi_with_check_digit(f"1{n:08d}"))
    medicaid_provider_id = factory.Sequence(lambda n: f"IL{n:07d}")
    provider_type = factory.LazyFunction(lambda: ProviderType.objects.get(code="physician"))
    county = "Cook"
    status = ProviderOrganization.Status.APPROVED


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(ProviderOrganizationFactory)
