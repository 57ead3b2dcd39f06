from casework.audit.registry import register

register("api_token.issued", "An API token was issued to a user.")
register("api_token.revoked", "An API token was revoked.")
register("user.created", "A user account was created.")
register("auth.locked_out", "A sign-in was refused because of too many recent failed attempts.")
register("auth.otp_verified", "A user passed the second sign-in factor (TOTP).")
register("auth.otp_failed", "A user gave a wrong second-factor (TOTP) code.")
register("auth.otp_device_confirmed", "A user set up their authenticator app (TOTP device).")
register("person.exported", "A person's record was exported for a subject access request.", flagged=True)
