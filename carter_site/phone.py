"""Telephone numbers as marketing writes them, and as a `tel:` link dials them."""

import re

from django.core.exceptions import ValidationError

_NON_DIGITS = re.compile(r"\D")


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


def validate_phone_number(value):
    """Accept a US number in any usual form, or an international one starting with +."""
    digits = _NON_DIGITS.sub("", value or "")
    if re.search(r"[^\d\s().+\-]", value or ""):
        raise ValidationError(
            "Use only digits, spaces, brackets, dashes and a leading +.", code="invalid_phone"
        )
    if value.strip().startswith("+"):
        if not 8 <= len(digits) <= 15:
            raise ValidationError(
                "An international number has 8 to 15 digits after the +.", code="invalid_phone"
            )
    elif not (len(digits) == 10 or (len(digits) == 11 and digits.startswith("1"))):
        raise ValidationError("Enter a 10-digit US number, for example (470) 284-1834.", code="invalid_phone")
