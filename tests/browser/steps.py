"""Steps the browser tests share: logging in and out as a person does, and the check that the page
broke no rule of the Content Security Policy."""

from playwright.sync_api import Page, expect


def log_in(page: Page, base: str, username: str, password: str) -> None:
    """Log in through the login form of the site at ``base``; lands on "Meine Konzepte"."""
    page.goto(f"{base}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Meine Konzepte")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Abmelden").click()


def assert_no_csp_errors(page: Page) -> None:
    """The browser's console reported no violation of the Content Security Policy (``page`` fixture)."""
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
