from casework.audit.registry import register

register("referral.submitted", "A referral was submitted.")
register("referral.viewed", "A user viewed a referral.")
register("referral.routed_to_local_authority", "A copy of a referral was routed to the local authority.")
register("case.opened", "A case was opened for a referral.")
register("case.referral_attached", "A new referral was attached to a person's open case.")
register("case.status_changed", "A case moved from one status to another.")
register("case.viewed", "A user viewed a case.")
register("case.listed", "A user listed or searched cases.")
register(
    "referral.re_referred",
    "A re-referral was raised from an earlier case (assurance review or receiving service).",
    flagged=True,
)
register("case.break_glass_accessed", "An assurance lead opened an individual case, giving a reason.", flagged=True)
