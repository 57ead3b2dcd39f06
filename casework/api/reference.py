"""Reference data for API clients: codes to use in requests. No personal data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from casework.accounts.models import LocalAuthority, Region
from casework.api.base import api
from casework.assessments.models import ConcernType, GatewayDecisionChoice, OtherVulnerability, ServiceType
from casework.panels.models import ClosureReason, Panel
from casework.referrals.models import Sector, Urgency
from casework.support.models import InterventionType


class Code(Schema):
    code: str
    name: str


class LocalAuthorityOut(Schema):
    code: str
    name: str
    region: str
    channel_panel_id: int | None


class ReferenceOut(Schema):
    regions: list[Code]
    local_authorities: list[LocalAuthorityOut]
    sectors: list[Code]
    urgencies: list[Code]
    concern_types: list[Code]
    gateway_decisions: list[Code]
    other_vulnerabilities: list[Code]
    handover_service_types: list[Code]
    closure_reasons: list[Code]
    intervention_types: list[Code]


def _choices(choices: Any) -> list[dict[str, str]]:
    return [{"code": value, "name": label} for value, label in choices.choices]


@api.get("/reference", response=ReferenceOut, operation_id="reference_data", tags=["reference"])
def reference_data(request: HttpRequest) -> Any:
    panels = dict(Panel.objects.filter(kind="channel").values_list("local_authority_id", "pk"))
    return {
        "regions": [{"code": r.code, "name": r.name} for r in Region.objects.all()],
        "local_authorities": [
            {"code": la.code, "name": la.name, "region": la.region.code, "channel_panel_id": panels.get(la.pk)}
            for la in LocalAuthority.objects.select_related("region")
        ],
        "sectors": _choices(Sector),
        "urgencies": _choices(Urgency),
        "concern_types": _choices(ConcernType),
        "gateway_decisions": _choices(GatewayDecisionChoice),
        "other_vulnerabilities": _choices(OtherVulnerability),
        "handover_service_types": _choices(ServiceType),
        "closure_reasons": _choices(ClosureReason),
        "intervention_types": [{"code": t.code, "name": t.name} for t in InterventionType.objects.filter(active=True)],
    }
