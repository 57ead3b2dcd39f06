from casework.audit.registry import register

register("api_token.issued", "An API token was issued to a user.")
register("api_token.revoked", "An API token was revoked.")
register("user.created", "A user account was created.")
