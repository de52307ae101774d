"""The warnings an editor reads after saving an article (articles/content_checks.py)."""

import pytest
from django.urls import reverse

from articles.content_checks import check_article
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory

ALT_WARNING = "has no description (alt text) for people who cannot see it."


def image_warnings(body):
    article = ArticleFactory.build(body=body, meta_description="A short description.")
    return [warning for warning in check_article(article) if ALT_WARNING in warning]


@pytest.mark.parametrize(
    ("image", "warning"),
    [
        ('<img src="/media/editor/2025/01/06/room.png">', "The image room.png"),
        ('<img src="/media/editor/group%20room.jpg?v=2" alt=" ">', "The image group room.jpg"),
        ("<img>", "An image"),
        ('<img src="" alt="">', "An image"),
        ('<img src="/media/editor/">', "An image"),
    ],
)
def test_an_image_without_a_description_is_named_in_a_sentence_that_reads_well(image, warning):
    assert image_warnings(f"<p>Before {image} after.</p>") == [f"{warning} {ALT_WARNING}"]


def test_images_with_a_description_raise_no_warning():
    assert (
        image_warnings('<p><img src="/media/editor/room.png" alt="The group room, morning light"></p>') == []
    )


@pytest.mark.django_db
def test_the_editor_reads_the_warning_after_saving(staff_client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = "<h2>Inside</h2><p><img src='/media/editor/'> <img src='/media/editor/hall.png'></p>"
    response = staff_client.post(url, data, follow=True)
    found = [str(message) for message in response.context["messages"]]
    assert f"Check: An image {ALT_WARNING}" in found
    assert f"Check: The image hall.png {ALT_WARNING}" in found
    assert not [message for message in found if "The image an image" in message]
