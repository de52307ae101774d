"""The people of the clinical review tests: a clinician, and an editor signed in to the admin."""

import pytest

from articles.models import Clinician
from carter_site.roles import MARKETING_EDITORS
from tests.admin_forms import signed_in


@pytest.fixture
def morgan():
    return Clinician.objects.create(name="Morgan Hale", credentials="LCSW")


@pytest.fixture
def editor():
    """Sam, a marketing editor, signed in."""
    return signed_in(MARKETING_EDITORS, "sam", first_name="Sam")
