from casework.audit.registry import register

register("person.created", "A person record was created from a referral's description.")
register("person.viewed", "A user viewed a person's record or chronology.")
register("person.searched", "A user searched for people.")
register(
    "person.history_accessed", "A user opened a person's history outside their scope, giving a reason.", flagged=True
)
register("person.linked", "An officer confirmed a referral is about an existing person.")
register("person.match_rejected", "An officer recorded that a proposed person is not the one referred.")
register("person.merged", "Two person records were merged.")
register("person.unmerged", "A person merge was undone.")
register("person.candidates_proposed", "The matcher proposed possible existing persons for a referral.")
