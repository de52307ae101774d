"""Telephone numbers as marketing writes them, and as a `tel:` link dials them."""

import re

from django.core.exceptions import ValidationError

_NON_DIGITS = re.compile(r"\D")
# A US number as people write it in a sentence: (470) 284-1834, 470-284-1834, 470.284.1834,
# 1-800-662-4357, +1 470 284 1834; a dash may be a non-breaking hyphen or an en dash.
PHONE_NUMBER_IN_TEXT = re.compile(r"(?<!\d)(?:\+?1[\s.\-‑–]?)?\(?\d{3}\)?[\s.\-‑–]?\d{3}[\s.\-‑–]\d{4}(?!\d)")


def tel_uri(number):
    """`(470) 284-1834` -> `tel:+14702841834`; other countries keep their own prefix."""
    digits = _NON_DIGITS.sub("", number or "")
    if not digits:
        return ""
    if number.strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    return f"tel:{digits}"


# What a valid number looks like, in every message that refuses one.
US_EXAMPLE = "(470) 284-1834"
_ALLOWED = re.compile(r"[\d\s().+\-]*")
_NANP_PART = re.compile(r"[2-9]\d\d")


def _refuse(message, **params):
    raise ValidationError(message, code="invalid_phone", params={"example": US_EXAMPLE, **params})


def _check_us_number(national):
    """A North American (NANP) number: area code and exchange each start with 2 to 9."""
    area, exchange = national[:3], national[3:6]
    if not _NANP_PART.fullmatch(area):
        _refuse(
            "(%(area)s) is not a US area code: area codes start with a digit from 2 to 9. "
            "Enter the 10-digit number with its area code, for example %(example)s.",
            area=area,
        )
    if not _NANP_PART.fullmatch(exchange):
        _refuse(
            "The three digits after the area code (%(exchange)s) cannot start with 0 or 1. "
            "Check the number: a valid one looks like %(example)s.",
            exchange=exchange,
        )


def validate_phone_number(value):
    """Accept a US number in any usual form, or an international one starting with one +.

    US (and Canadian) numbers follow the North American Numbering Plan: 10 digits, perhaps
    after a 1, whose area code and exchange do not start with 0 or 1. Elsewhere: a country code
    (never starting with 0) and 8 to 15 digits in all.
    """
    text = (value or "").strip()
    if not _ALLOWED.fullmatch(text):
        _refuse("Use only digits, spaces, brackets, dots, dashes and one leading +, for example %(example)s.")
    if text.count("+") > 1 or (text.count("+") == 1 and not text.startswith("+")):
        _refuse(
            "Write at most one +, at the very start, before the country code: for example "
            "+1 470 284 1834, or %(example)s for a US number."
        )
    digits = _NON_DIGITS.sub("", text)
    if text.startswith("+"):
        if digits.startswith("0"):
            _refuse(
                "No country code starts with 0: after the + comes the country code, such as 1 for the US "
                "or 44 for the UK. A US number can be written %(example)s."
            )
        if digits.startswith("1"):
            if len(digits) != 11:
                _refuse(
                    "A number starting +1 (the US and Canada) has 10 digits after the 1, for example "
                    "+1 470 284 1834 for %(example)s."
                )
            _check_us_number(digits[1:])
        elif not 8 <= len(digits) <= 15:
            _refuse(
                "An international number has 8 to 15 digits after the +, for example +44 20 7946 0958. "
                "A US number is written %(example)s."
            )
    elif len(digits) == 10:
        _check_us_number(digits)
    elif len(digits) == 11 and digits.startswith("1"):
        _check_us_number(digits[1:])
    else:
        _refuse(
            "Enter a 10-digit US number, for example %(example)s, or an international one starting "
            "with + and the country code."
        )
