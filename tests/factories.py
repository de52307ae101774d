"""factory_boy factories: published, consented content by default; drafts by trait."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, ArticleLocation
from faqs.models import FAQ, ArticleFAQ, LocationFAQ, Topic
from locations.models import Location, OpeningHours, SpecialDay
from pages.models import Page
from testimonials.models import ArticleTestimonial, Testimonial


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Town {n}")
    slug = factory.Sequence(lambda n: f"town-{n}")
    summary = "A calm place to start, close to the highway."
    body = "<p>Parking is free and the entrance is at the back.</p>"
    street_address = factory.Sequence(lambda n: f"{100 + n} Main Street")
    city = factory.SelfAttribute("name")
    state = "GA"
    postal_code = "30009"
    latitude = "34.075400"
    longitude = "-84.294100"
    licence_numbers = "Georgia licence TEST-0001"
    services = "Intensive outpatient program (IOP)\nIndividual therapy"
    is_published = True


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    location = factory.SubFactory(LocationFactory)
    weekday = OpeningHours.Weekday.MONDAY
    opens = dt.time(9, 0)
    closes = dt.time(12, 0)
    label = "Morning track"


class SpecialDayFactory(factory.django.DjangoModelFactory):
    """Closed all day on Thanksgiving 2026 unless told otherwise."""

    class Meta:
        model = SpecialDay

    location = factory.SubFactory(LocationFactory)
    first_day = dt.date(2026, 11, 26)
    last_day = factory.LazyAttribute(lambda special: special.first_day)
    reason = "Thanksgiving"
    closed = True


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    question = factory.Sequence(lambda n: f"Can I ask question number {n}?")
    answer = factory.Sequence(lambda n: f"<p>Yes, and here is answer number {n}.</p>")
    topic = factory.SubFactory(TopicFactory)
    is_published = True


class TestimonialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Testimonial

    quote = factory.Sequence(lambda n: f"The evening group gave me room to breathe, story {n}.")
    attribution = "Former IOP client, 2024"
    consent_on_file = True
    consent_signed_on = factory.Maybe(
        "consent_on_file", yes_declaration=dt.date(2024, 5, 1), no_declaration=None
    )
    is_published = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "What the first week of treatment is like, in plain words."
    body = "<h2>The first day</h2><p>You meet your therapist and the group.</p>"
    written_by = None
    # One byline or none (article_one_byline): the typed one only when no clinician wrote it.
    author = factory.Maybe("written_by", yes_declaration="", no_declaration="Carter clinical team")
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
        )
        expired = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10)),
            expires_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)),
        )


class ArticleFAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleFAQ

    article = factory.SubFactory(ArticleFactory)
    faq = factory.SubFactory(FAQFactory)
    order = factory.Sequence(int)


class LocationFAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocationFAQ

    location = factory.SubFactory(LocationFactory)
    faq = factory.SubFactory(FAQFactory)
    order = factory.Sequence(int)


class ArticleTestimonialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleTestimonial

    article = factory.SubFactory(ArticleFactory)
    testimonial = factory.SubFactory(TestimonialFactory)
    order = factory.Sequence(int)


class ArticleLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleLocation

    article = factory.SubFactory(ArticleFactory)
    location = factory.SubFactory(LocationFactory)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Notice {n}")
    slug = factory.Sequence(lambda n: f"notice-{n}")
    summary = "What this notice is for, in a sentence."
    body = "<h2>Who this is for</h2><p>Anyone who reads this site.</p>"
    is_published = True
