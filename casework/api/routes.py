"""The assembled v1 API: importing each module registers its operations on the one NinjaAPI object."""

from casework.api import assurance, identity, reference, reporting, security, v1, work
from casework.api.base import api

OPERATION_MODULES = (v1, assurance, identity, reference, reporting, security, work)

__all__ = ["OPERATION_MODULES", "api"]
