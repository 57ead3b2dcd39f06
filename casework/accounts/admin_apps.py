from django.contrib.admin.apps import AdminConfig


class CaseworkAdminConfig(AdminConfig):
    """Django's admin with our site: system administrators only, second factor required."""

    default_site = "casework.accounts.admin_site.CaseworkAdminSite"
