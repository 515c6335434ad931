"""Helpers for the tests of the Django admin."""

from django.urls import reverse


def admin_url(model, view: str, *args) -> str:
    """The URL of ``model``'s admin page ``view`` ("changelist", "change", "export", …)."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
