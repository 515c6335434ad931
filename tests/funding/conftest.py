import pytest

from tests.funding.editor_page import build_setup


@pytest.fixture
def s(client) -> dict:
    """The measure editor's concept (``editor_page.build_setup``), its editor logged in."""
    s = build_setup()
    client.force_login(s["editor"])
    return s
