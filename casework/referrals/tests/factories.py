from __future__ import annotations

import factory
from django.utils import timezone

from casework.accounts.models import LocalAuthority
from casework.core.references import new_reference
from casework.people.models import Person
from casework.referrals.models import Case
from casework.referrals.states import CaseStatus


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")


class CaseFactory(factory.django.DjangoModelFactory):
    """A bare case row, for tests of the transition table and policies. Journey tests use the services."""

    class Meta:
        model = Case

    reference = factory.LazyFunction(lambda: new_reference("CASE"))
    person = factory.SubFactory(PersonFactory)
    local_authority = factory.LazyFunction(lambda: LocalAuthority.objects.get(code="leeds"))
    region = factory.LazyAttribute(lambda c: c.local_authority.region)
    status = CaseStatus.SCREENING
    opened_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyFunction(timezone.now)
