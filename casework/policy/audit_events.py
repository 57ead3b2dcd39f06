from casework.audit.registry import register

register("policy_version.created", "A policy version (threshold set) was created.")
register("policy_version.changed", "An unused policy version was edited.")
