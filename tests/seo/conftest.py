"""The content the SEO tests run against."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    LocationFAQFactory,
    OpeningHoursFactory,
    PageFactory,
    TestimonialFactory,
    TopicFactory,
)

from .helpers import hero_upload


@pytest.fixture
def site(db):
    """A small but complete site: live content of every kind, and content that must stay hidden."""
    starting = TopicFactory(name="Starting IOP", slug="starting", order=1)
    insurance = TopicFactory(name="Insurance and cost", slug="insurance", order=2)

    alpharetta = LocationFactory(
        name="Alpharetta",
        slug="alpharetta",
        city="Alpharetta",
        street_address="11465 Johns Creek Pkwy, Suite 220",
        postal_code="30097",
        phone="(470) 555-0101",
        latitude="34.057610",
        longitude="-84.185320",
        order=1,
    )
    OpeningHoursFactory(
        location=alpharetta, weekday=0, opens=dt.time(9), closes=dt.time(12), label="Morning track"
    )
    OpeningHoursFactory(
        location=alpharetta, weekday=2, opens=dt.time(9), closes=dt.time(12), label="Morning track"
    )
    OpeningHoursFactory(
        location=alpharetta, weekday=0, opens=dt.time(18), closes=dt.time(21), label="Evening track"
    )
    jefferson = LocationFactory(
        name="Jefferson", slug="jefferson", city="Jefferson", phone="", latitude=None, longitude=None, order=2
    )
    OpeningHoursFactory(location=jefferson, weekday=3, opens=dt.time(17, 30), closes=dt.time(20, 30))
    hidden_location = LocationFactory(name="Athens", slug="athens", is_published=False)

    parking = FAQFactory(
        question="Is there parking?",
        answer="<p>Yes: free parking &amp; a covered entrance.</p><ul><li>Level 1</li><li>Level 2</li></ul>",
        topic=starting,
    )
    LocationFAQFactory(location=alpharetta, faq=parking)
    cover = FAQFactory(
        question="Will my insurance cover IOP?",
        answer="<p>Many plans do. We check <strong>your</strong> benefits before day one.</p>",
        topic=insurance,
    )
    FAQFactory(question="A question still being written?", topic=starting, is_published=False)

    article = ArticleFactory(
        title="What a week of IOP looks like",
        slug="week-of-iop",
        summary="Three hours a day, three to five days a week, on a morning or evening track.",
        body="<h2>Monday</h2><p>You meet your group &amp; your therapist.</p>",
        author="Dana Reyes, LPC",
        hero_image=hero_upload(),
        hero_image_alt="A quiet group room with chairs in a circle",
    )
    ArticleLocationFactory(article=article, location=alpharetta)
    ArticleFAQFactory(article=article, faq=cover, order=1)
    ArticleFAQFactory(article=article, faq=parking, order=2)
    ArticleTestimonialFactory(article=article, testimonial__quote="I kept my job and found my footing.")
    TestimonialFactory(quote="The evening group fit my life.", is_featured=True, location=alpharetta)

    coming_back = ArticleFactory(
        title="Coming back after you stopped IOP",
        slug="coming-back",
        author="",
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    ArticleLocationFactory(article=coming_back, location=alpharetta)

    hidden = {
        "draft": ArticleFactory(draft=True, title="Draft article", slug="draft-article"),
        "scheduled": ArticleFactory(scheduled=True, title="Scheduled article", slug="scheduled-article"),
        "expired": ArticleFactory(expired=True, title="Expired article", slug="expired-article"),
    }
    privacy = PageFactory(
        title="Privacy on this website",
        slug="privacy",
        summary="What this website keeps when you visit it, and what it never does.",
    )
    return {
        "privacy": privacy,
        "alpharetta": alpharetta,
        "jefferson": jefferson,
        "hidden_location": hidden_location,
        "article": article,
        "coming_back": coming_back,
        "hidden_articles": hidden,
        "faqs": [parking, cover],
    }
