"""`manage.py sendtestemail`, the check of the mail server docs/operations.md suggests, against a real
SMTP server (tests/smtp_server.py): it says in one sentence whether the server took the email."""

from tests.smtp_server import mail_server_down, received, run_command


def test_a_server_that_takes_the_email_is_said_to_have_taken_it(smtp_server, settings):
    out, _, error = run_command("sendtestemail", "ops@example.com")
    assert error is None
    assert out.strip() == f"Sent: the mail server at 127.0.0.1:{settings.EMAIL_PORT} took the test email."
    assert "Test email from" in received(smtp_server)["ops@example.com"]["Subject"]


def test_a_server_that_is_down_is_named_in_one_sentence_with_status_3(settings):
    mail_server_down(settings)
    _, _, error = run_command("sendtestemail", "ops@example.com")
    assert error is not None and error.returncode == 3
    assert str(error) == (
        f"The test email was not sent: the mail server at 127.0.0.1:{settings.EMAIL_PORT} did not take it "
        "(Connection refused). Check EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER and EMAIL_HOST_PASSWORD, "
        "and that the server accepts mail from this host."
    )


def test_an_address_the_server_refuses_is_said_so(smtp_server):
    _, _, error = run_command("sendtestemail", "dana@example.com")
    assert error is not None and error.returncode == 3
    assert "did not take it (SMTPRecipientsRefused)" in str(error)
    assert smtp_server.accepted == []


def test_no_address_is_still_django_own_usage_error(smtp_server):
    _, _, error = run_command("sendtestemail")
    assert error is not None and error.returncode == 1
    assert "You must specify some email recipients" in str(error)
    assert smtp_server.accepted == []
