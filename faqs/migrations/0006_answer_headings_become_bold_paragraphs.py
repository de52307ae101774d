"""An answer saved with a heading, before answers were refused one (0005), gets a paragraph in
bold instead: what the refusal asks editors to write (faqs.models.validate_no_headings).

0005 kept such answers as they were. Every page placing the question (the FAQ page, an
article's or a location's questions) went on showing a heading inside the answer, under the
question's own, and breaking the outline a screen reader's user moves by; and the answer could
not be saved again, even to unpublish it, until an editor found the heading and took it out.

The words stay as they were, and so does the search document built from them. Only the answer
changes: not the FAQ's "last updated" time, not its history (an earlier version restored brings
its heading back to the form, which refuses it with the message). Going back leaves the answers
as they are: which bold paragraph was a heading is not known any more.
"""

import re

from django.db import migrations

# A heading as the sanitiser stores it (h2 to h4, no attributes), or as SQL may have put it.
_HEADING = re.compile(r"<(h[1-6])\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_OPENING = re.compile(r"<h[1-6][\s>]", re.IGNORECASE)


def _as_bold_paragraph(match):
    words = match.group(2).strip()
    return f"<p><strong>{words}</strong></p>" if words else ""


def headings_to_bold_paragraphs(apps, schema_editor):
    FAQ = apps.get_model("faqs", "FAQ")
    for pk, answer in FAQ.objects.filter(answer__iregex=r"<h[1-6]").values_list("pk", "answer").iterator():
        if not _OPENING.search(answer):
            continue
        FAQ.objects.filter(pk=pk, answer=answer).update(answer=_HEADING.sub(_as_bold_paragraph, answer))


class Migration(migrations.Migration):
    dependencies = [("faqs", "0005_answer_without_headings")]

    operations = [migrations.RunPython(headings_to_bold_paragraphs, migrations.RunPython.noop)]
