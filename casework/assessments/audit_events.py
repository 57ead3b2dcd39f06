from casework.audit.registry import register

register("case.screened", "A Prevent officer screened and deconflicted a referral.")
register("case.assessed", "A Prevent Assessment Framework assessment and gateway decision were recorded.")
register("case.countersigned", "A supervisor countersigned (or refused) a gateway decision.")
register("handover.recorded", "A case was handed over to non-counter-terrorism services.")
register("handover.engagement_recorded", "A receiving service confirmed whether the person engaged.")
register("handover.viewed", "A receiving service viewed a handover.")
