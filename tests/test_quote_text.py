"""Quotes: on every engine's fixture forum a quote's text is what was quoted, without its header
(the quoted member's name, "X wrote:", a link to the quoted post)."""
from __future__ import annotations

import pytest

from fixtures.server import site_engines
from normalize import clean_post
from tests.fixture_pages import thread_posts


@pytest.mark.parametrize("engine", site_engines())
def test_a_quote_s_text_starts_with_the_quoted_words_not_its_header(engine):
    # Flarum's quotes open with a PostMention link naming the quoted member; it was left in the
    # quote's text ("Harald\n\nThe news agency ...").
    quotes = [q for post in thread_posts(engine) for q in clean_post(post, detect_language=False).quotes]
    assert quotes
    for quote in quotes:
        first_line = quote.text.split("\n", 1)[0]
        assert quote.author and not first_line.startswith(quote.author), (engine, quote)
        assert "wrote" not in first_line.lower() and "said:" not in first_line, (engine, quote)
