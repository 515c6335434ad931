from django.apps import AppConfig


class IhkConfig(AppConfig):
    """The composition root: public pages, reports and management commands spanning every app."""

    name = "ihk"
    verbose_name = "IHK"
