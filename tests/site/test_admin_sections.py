"""The admin's list of sections (its home page, and the sidebar of every page) in an editor's
words. Django gave each section's link the tooltip "Models in the Articles application", and a
screen reader read its columns as "Model name", "Add link" and "Change or view list link"."""

import pytest
from django.urls import reverse

from carter_site.roles import MARKETING_EDITORS
from tests.admin_forms import signed_in

pytestmark = pytest.mark.django_db

DEVELOPER_WORDS = ["Models in the", "application", "Model name", "Add link", "Change or view list link"]


@pytest.mark.parametrize(
    "page",
    [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:app_list", args=["faqs"]),
    ],
)
def test_the_sections_speak_to_an_editor_not_a_developer(page):
    html = signed_in(MARKETING_EDITORS, "dana", "Dana").get(page).content.decode()
    assert '<th scope="col">What</th>' in html and '<th scope="col">Open the list</th>' in html
    for words in DEVELOPER_WORDS:
        assert words not in html.replace('type="application/', ""), words
