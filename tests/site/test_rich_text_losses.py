"""What the sanitiser takes out of a text that an editor would not see go, named after the save.

CKEditor's Link dialog offered ftp:// and news:// and let any address be typed under <other>;
the sanitiser keeps only web, email, phone and text-message links, so such a link lost its
address on save, under "… was added successfully", and the page showed its words unlinked.
Now the save still goes through and the editor reads, among the warnings after it
(carter_site.admin.WarnsAfterSavingMixin), which links lost their address and why.
"""

import pytest
from django.urls import reverse

from carter_site.richtext import losses_warnings
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, FAQFactory

FTP_LOST = (
    "1 link in the text lost its address because the site does not link to ftp: addresses "
    "(ftp://files.example.org/intake-form.pdf); its words stay. Only web, email, phone and "
    "text-message links are kept: link to a web page (https://) instead."
)


def test_a_link_to_an_address_the_site_does_not_link_to_is_named_with_what_to_do_instead():
    html = '<p>Fill in <a href="ftp://files.example.org/intake-form.pdf">the form</a> first.</p>'
    assert losses_warnings(html) == [FTP_LOST]


def test_links_losing_their_address_are_counted_together_with_each_kind_named_once():
    html = (
        '<p><a href="ftp://a.example.org/x">one</a> <a href="news://b.example.org/y">two</a> '
        '<a href=" JavaScript:alert(1)">three</a> <a href="ftp://a.example.org/x">four</a></p>'
    )
    assert losses_warnings(html, where="the answer") == [
        "4 links in the answer lost their addresses because the site does not link to ftp: or news: "
        "or javascript: addresses (ftp://a.example.org/x, news://b.example.org/y, JavaScript:alert(1)); "
        "their words stay. Only web, email, phone and text-message links are kept: link to web pages "
        "(https://) instead."
    ]


def test_a_text_message_link_that_is_not_one_number_is_told_how_to_write_one():
    assert losses_warnings('<p><a href="sms:988&amp;body=hi">text us</a></p>') == [
        "1 text-message link in the text lost its address (sms:988&body=hi): an sms: address holds one "
        "phone number in digits, with + in front for another country, and may add ?body= and the "
        "message, as in sms:988 or sms:+14702841834?body=Hello. Its words stay, without the link."
    ]


def test_a_web_address_no_browser_can_follow_is_told_apart_from_a_kind_the_site_refuses():
    assert losses_warnings('<p><a href="https://www.example .org/">our partner</a></p>') == [
        "1 link in the text lost its address because it is not one a browser can follow "
        "(https://www.example .org/): look for a space or a typing mistake in it. Its words stay, "
        "without the link."
    ]


def test_what_follows_an_embedded_file_is_read_too():
    html = '<p><embed src="/media/editor/tour.mp4"> <svg/> <a href="ftp://x.example.org/">form</a></p>'
    assert [warning.split(" (")[0] for warning in losses_warnings(html)] == [
        "1 link in the text lost its address because the site does not link to ftp: addresses",
        "1 embedded file and 1 drawing were taken out of the text: the site's texts keep only words, "
        "links, tables and pictures uploaded here. Link to the page that shows them instead.",
    ]


def test_what_a_browser_reads_inside_an_iframe_goes_with_it_and_is_not_counted_again():
    html = '<p><iframe src="x"/> <a href="ftp://x.example.org/">form</a></p>'
    assert losses_warnings(html) == [
        "1 embedded page or video was taken out of the text: the site's texts keep only words, links, "
        "tables and pictures uploaded here. Link to the page that shows it instead."
    ]


def test_embedded_pages_videos_and_form_fields_taken_out_are_counted():
    html = (
        '<p>Watch:</p><iframe src="https://video.example.org/embed/1"><a href="ftp://x">inside</a></iframe>'
        '<iframe src="https://video.example.org/embed/2"></iframe><p><input name="email"></p>'
    )
    assert losses_warnings(html) == [
        "2 embedded pages or videos and 1 form field were taken out of the text: the site's texts keep "
        "only words, links, tables and pictures uploaded here. Link to the page that shows them instead."
    ]


@pytest.mark.parametrize(
    "html",
    [
        "",
        None,
        '<p><a href="https://example.org/a" target="_blank" class="x" id="y">web</a></p>',
        '<p><a href="mailto:a@example.org">mail</a> <a href="tel:+14702841834">call</a></p>',
        '<p><a href="sms:988">text</a> <a href="/articles/x/">here</a> <a href="#top">top</a></p>',
        '<p><span style="color:red">red</span> <a>no address at all</a></p><script>x()</script>',
    ],
)
def test_nothing_is_said_when_nothing_an_editor_would_miss_is_lost(html):
    assert losses_warnings(html) == []


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
@pytest.mark.parametrize("button", ["_save", "_continue", "_addanother"])
def test_an_article_saved_with_a_link_the_site_does_not_keep_says_so_after_the_save(staff_client, button):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = (
        '<p>Fill in <a href="ftp://files.example.org/intake-form.pdf">the form</a>, or '
        '<a href="sms:988">text 988</a>.</p>'
    )
    response = staff_client.post(url, {**data, button: "1"}, follow=True)
    said = messages_of(response)
    assert any("was changed successfully" in message for message in said), said
    assert f"Check: {FTP_LOST.replace('in the text', 'in the body')}" in said
    article.refresh_from_db()
    assert article.body == (
        '<p>Fill in <a rel="noopener noreferrer">the form</a>, or '
        '<a href="sms:988" rel="noopener noreferrer">text 988</a>.</p>'
    )


@pytest.mark.django_db
def test_a_new_faq_whose_answer_lost_a_link_says_so_after_it_is_added(staff_client):
    FAQFactory()  # a topic to choose, and the form's other fields
    url = reverse("admin:faqs_faq_add")
    data = admin_form_data(staff_client.get(reverse("admin:faqs_faq_change", args=[FAQFactory().pk])))
    data.update(
        question="Can I text the crisis line?",
        answer='<p>Yes: <a href="sms:988">text 988</a>, or <a href="news://help.example">read this</a>.</p>',
    )
    response = staff_client.post(url, data, follow=True)
    said = messages_of(response)
    assert any("was added successfully" in message for message in said), said
    assert [message for message in said if "lost" in message] == [
        "Check: 1 link in the answer lost its address because the site does not link to news: "
        "addresses (news://help.example); its words stay. Only web, email, phone and text-message "
        "links are kept: link to a web page (https://) instead."
    ]


@pytest.mark.django_db
def test_an_article_whose_links_are_all_kept_gets_no_such_warning(staff_client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = '<p><a href="https://988lifeline.org/" target="_blank">The Lifeline</a>: text 988.</p>'
    said = messages_of(staff_client.post(url, data, follow=True))
    assert any("was changed successfully" in message for message in said), said
    assert not [message for message in said if "lost" in message or "taken out" in message], said
