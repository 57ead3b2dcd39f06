from casework.audit.registry import register

register("person.created", "A person record was created from a referral's description.")
register("person.viewed", "A user viewed a person's record or chronology.")
register("person.searched", "A user searched for people.")
register(
    "person.history_accessed", "A user opened a person's history outside their scope, giving a reason.", flagged=True
)
