"""An editor adds a location's holiday hours in Chromium, writing the times as the help beside
them does ("for example 9:00 AM"), and a visitor sees them on the location's page.

The holiday-hours rows read only a 24-hour clock: "9:00 AM" was refused with "Enter a valid
time." beside "Give the opening time, or tick 'closed all day'", and a saved time came back as
"09:00:00"."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .browser import DESKTOP, admin_url, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_gives_holiday_hours_on_a_12_hour_clock_and_a_visitor_sees_them(
    editor, new_context, live_server
):
    from tests.factories import LocationFactory, OpeningHoursFactory

    location = LocationFactory(name="Jefferson")
    OpeningHoursFactory(location=location)
    day = timezone.localdate() + dt.timedelta(days=3)

    page = new_context(**DESKTOP).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("locations_location_change", location.pk))
    page.locator("#special_days-group .add-row a").click()
    page.locator("#id_special_days-0-first_day").fill(day.isoformat())
    page.locator("#id_special_days-0-reason").fill("Staff training")
    page.locator("#id_special_days-0-closed").uncheck()
    page.locator("#id_special_days-0-opens").fill("9:00 AM")
    page.locator("#id_special_days-0-closes").fill("noon")
    page.locator("input[name=_continue]").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".errorlist")).to_have_count(0)
    expect(page.locator("#id_special_days-0-opens")).to_have_value("9:00 AM")
    expect(page.locator("#id_special_days-0-closes")).to_have_value("12:00 PM")

    visitor = new_context(**DESKTOP).new_page()
    visitor.goto(f"{live_server.url}{location.get_absolute_url()}")
    notice = visitor.locator(".special-hours__list li")
    expect(notice).to_contain_text("9\N{NO-BREAK SPACE}a.m. to noon only (Staff training)")
