from __future__ import annotations

import factory

from casework.accounts.models import LocalAuthority, Region, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    role = Role.REFERRER
    password = factory.django.Password("correct-horse-battery")

    class Params:
        officer_in = factory.Trait(role=Role.PREVENT_OFFICER)


def region(code: str = "yorkshire-humber") -> Region:
    return Region.objects.get(code=code)


def local_authority(code: str = "leeds") -> LocalAuthority:
    return LocalAuthority.objects.select_related("region").get(code=code)


def make_user(role: str, *, area: str | None = None, username: str | None = None) -> User:
    """A user of `role` scoped to `area`: a region code for police roles, a local authority code for panel roles."""
    kwargs: dict[str, object] = {"role": role}
    if role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR):
        kwargs["region"] = region(area or "yorkshire-humber")
    elif role in (Role.CHANNEL_CHAIR, Role.PANEL_MEMBER):
        kwargs["local_authority"] = local_authority(area or "leeds")
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)
