import pytest

from tests import factories as f


@pytest.fixture
def edited_concept(client):
    """(concept, hallenbeck): an unpublished concept of the one municipality Hallenbeck; ``client`` is
    logged in as its editor."""
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], published=False)
    client.force_login(f.make_editor(concept))
    return concept, hallenbeck


@pytest.fixture
def editor(client):
    """An editor of some concept, logged in with ``client``: who may add municipalities and
    organisations."""
    user = f.make_editor(f.make_concept())
    client.force_login(user)
    return user
