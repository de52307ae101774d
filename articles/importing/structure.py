"""From a stream of blocks to an article: the call-to-action, heading levels, FAQs, quotes, summary.

Both readers (plain text and HTML) produce the same kind of blocks and finish here, so the
rules below hold for every file.
"""

import re

from .document import Block, ParsedArticle, ParsedFAQ, ParsedQuote
from .sources import ImportFailure
from .text import (
    CALL_WORDS,
    first_letter,
    first_sentences,
    is_question,
    is_wholly_quoted,
    last_mark,
    phone_numbers,
    same_number,
    shorten,
    split_sentences,
    starts_with_phone_emoji,
    unquote,
    words_of,
)

SUMMARY_LIMIT = 300  # Article.summary
TITLE_LIMIT = 120  # a title taken from a sentence; Article.title allows 200
QUOTE_LIMIT = 1200  # Testimonial.quote
FAQ_HEADING = re.compile(r"^\W*(faqs?\b|frequently\s+asked\s+questions)", re.IGNORECASE)
FAQ_HEADING_PREFIX = re.compile(
    r"^\W*(faqs?|frequently\s+asked\s+questions)(\s+(about|on|for))?\s*[:–—\-]?\s*", re.IGNORECASE
)


def draft_title_from(text):
    """A title made from the first sentence of `text`, for an editor to confirm."""
    sentences = split_sentences(text)
    if not sentences or not first_letter(sentences[0]):
        return ""
    sentence = sentences[0]
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]  # a title has no full stop; '?' and '!' stay
    return shorten(sentence, TITLE_LIMIT)


def is_faq_heading(text):
    return bool(FAQ_HEADING.match(text))


def faq_heading_topic(text):
    """'FAQ: Returning to IOP' -> 'Returning to IOP': the topic an FAQ section names, if any."""
    return FAQ_HEADING_PREFIX.sub("", text, count=1).strip()


def assemble(
    *,
    name,
    source_format,
    title,
    title_from_first_sentence,
    blocks,
    warnings,
    infer_levels,
    known_numbers=None,
):
    """`known_numbers`: the center's phone numbers; None accepts any number in a call-to-action."""
    calls_to_action, blocks = take_calls_to_action(blocks, known_numbers)
    if infer_levels:
        set_heading_levels(blocks)
    article = ParsedArticle(
        name=name,
        source_format=source_format,
        title=title,
        title_from_first_sentence=title_from_first_sentence,
        calls_to_action=calls_to_action,
        warnings=warnings,
    )
    split_faqs_and_quotes(article, blocks, levels_given=not infer_levels)
    if not article.blocks:
        raise ImportFailure(
            "The file has a title but no article text under it"
            + (" (only questions and answers)." if article.faqs else ".")
        )
    warn_about_leftovers(article)
    if article.faqs:
        for heading in article.faq_headings:
            article.warnings.append(
                f"The heading “{heading}” is not kept in the article text: the article page shows its "
                "FAQs in a section with a heading of its own."
            )
    article.summary = make_summary(article)
    return article


# --- Call-to-action ---------------------------------------------------------------------------


def numbers_in(block):
    numbers = phone_numbers(block.text)
    if block.phone_link:
        numbers.append(block.phone_link)
    return numbers


def take_calls_to_action(blocks, known_numbers=None):
    """The closing invitation to call, which the site's own call box replaces on every page.

    A paragraph giving one of the center's numbers is a call-to-action when it starts with
    a telephone emoji, or starts with "Call" (or "Contact", "Reach"…) in the last section,
    or closes the file. Any other paragraph with a number, such as a helpline's, stays.
    """

    def gives_centers_number(block):
        if block.kind != Block.PARAGRAPH:
            return False
        numbers = numbers_in(block)
        if known_numbers is None:
            return bool(numbers)
        return any(same_number(number, known) for number in numbers for known in known_numbers)

    last_heading = max(
        (index for index, block in enumerate(blocks) if block.kind == Block.HEADING), default=-1
    )
    leaving = {
        index
        for index, block in enumerate(blocks)
        if gives_centers_number(block)
        and (starts_with_phone_emoji(block.text) or (index > last_heading and CALL_WORDS.match(block.text)))
    }
    index = len(blocks) - 1
    while index >= 0 and (index in leaving or gives_centers_number(blocks[index])):
        leaving.add(index)
        index -= 1
    calls = [blocks[index].text for index in sorted(leaving)]
    kept = [block for index, block in enumerate(blocks) if index not in leaving]
    return calls, kept


# --- Heading levels (plain text) --------------------------------------------------------------


def is_label(text):
    """A short name of a part, like 'Check-In' or 'Group Work': how sub-headings are usually written."""
    return len(words_of(text)) <= 4 and last_mark(text) not in "?.!…"


def set_heading_levels(blocks):
    """Plain text has no heading levels, so: a heading right after a paragraph ending in ':' opens
    a run of sub-headings (h3), which lasts while the headings stay short labels; every other
    heading is a section (h2). '##' and '###' in the file say it explicitly."""
    in_run, previous = False, None
    for block in blocks:
        if block.kind == Block.HEADING:
            if block.explicit_level:
                in_run = block.level == 3
            elif is_faq_heading(block.text):
                block.level, in_run = 2, False
            elif is_label(block.text) and (
                in_run
                or (previous is not None and previous.kind == Block.PARAGRAPH and previous.text.endswith(":"))
            ):
                block.level, in_run = 3, True
            else:
                block.level, in_run = 2, False
        previous = block


# --- FAQs and quotes --------------------------------------------------------------------------


def question_style(block, style, faq_level, levels_given):
    """'paragraph' or 'heading' when `block` asks an FAQ question, in a section written so far
    in `style` (None before its first question); None when it does not."""
    if block.kind == Block.PARAGRAPH and is_question(block.text):
        return None if style == "heading" else "paragraph"
    if block.kind == Block.HEADING and last_mark(block.text) == "?" and len(block.text) <= 300:
        if levels_given:
            # HTML: a question is a heading below the FAQ heading (<h2>FAQs</h2><h3>…?</h3>).
            return "heading" if faq_level is None or block.level > faq_level else None
        # Plain text: questions are sentence case; a Title Case question ends the section,
        # unless the section's questions are all written in Title Case.
        return "heading" if style in (None, "heading") else None
    return None


def split_faqs_and_quotes(article, blocks, levels_given):
    body, faqs, quotes = [], [], []
    in_faq, style, faq_level, current = False, None, None, None

    def close():
        nonlocal current
        if current is None:
            return
        question, block = current
        if question.answer:
            faqs.append(question)
        else:
            article.warnings.append(
                f"The question “{question.question}” has no answer under it, so it was kept in the "
                "article text as a paragraph."
            )
            body.append(Block(Block.PARAGRAPH, block.content))
        current = None

    def take_quote(block):
        if block.attribution and len(block.text) <= QUOTE_LIMIT:
            quotes.append(ParsedQuote(quote=block.text, attribution=block.attribution))
            return
        if block.attribution:
            article.warnings.append(
                f"The quote by “{block.attribution}” is longer than a testimonial can be "
                f"({QUOTE_LIMIT} characters), so it was kept in the article text."
            )
        else:
            article.warnings.append(unattributed_quote_warning(block.text))
        target = current[0].answer if current is not None else body
        target.extend(Block(Block.PARAGRAPH, paragraph, from_quote=True) for paragraph in block.paragraphs)

    for block in blocks:
        if block.kind == Block.HEADING and is_faq_heading(block.text):
            close()
            in_faq, style, faq_level = True, None, block.level
            article.faq_headings.append(block.text)
            continue
        if in_faq:
            asked = question_style(block, style, faq_level, levels_given)
            if asked:
                close()
                style = style or asked
                current = (ParsedFAQ(question=block.text), block)
                continue
            if block.kind == Block.HEADING:
                close()
                in_faq = False
            elif block.kind == Block.QUOTE:
                take_quote(block)
                continue
            elif current is not None:
                current[0].answer.append(block)
                continue
            else:
                article.warnings.append(
                    f"The text “{shorten(block.text, 80)}” stands between the FAQ heading and the first "
                    "question, so it was kept in the article text."
                )
                body.append(block)
                continue
        if block.kind == Block.QUOTE:
            take_quote(block)
            continue
        body.append(block)
    close()
    article.blocks, article.faqs, article.quotes = body, faqs, quotes


# --- Warnings and summary ---------------------------------------------------------------------


def warn_about_leftovers(article):
    blocks = article.blocks
    for index, block in enumerate(blocks):
        if block.kind == Block.HEADING:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is None or (following.kind == Block.HEADING and following.level <= block.level):
                article.warnings.append(
                    f"The heading “{block.text}” has no text under it. It was kept; delete it in the "
                    "editor if it is a leftover from the old page."
                )
        elif block.kind == Block.PARAGRAPH and not block.from_quote and is_wholly_quoted(block.text):
            article.warnings.append(unattributed_quote_warning(block.text))


def unattributed_quote_warning(text):
    return (
        f"The quotation “{shorten(unquote(text), 80)}” has no line naming who said it, so it was kept in the "
        "article text. If these are a client's words, add a line such as “– Former client, 2023” "
        "under it and import again, or add the testimonial by hand."
    )


def make_summary(article):
    for block in article.blocks:
        if block.kind == Block.PARAGRAPH:
            return first_sentences(block.text, SUMMARY_LIMIT)
    for block in article.blocks:
        if block.kind == Block.LIST:
            return first_sentences(block.items[0].text, SUMMARY_LIMIT)
    return shorten(article.title, SUMMARY_LIMIT)
