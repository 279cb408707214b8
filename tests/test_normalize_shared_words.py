"""Words several posts of a thread use are names or terms: the glued-word step leaves them alone."""
import normalize
from normalize.model import RawPost


def test_a_term_two_posts_use_is_not_split_but_one_posts_glue_is():
    posts = ["<p>The rust-version field of the getrandom crate is 1.85, as the notes <a href='#'>argued</a>that.</p>",
             "<p>As a getrandom maintainer, I can confirm it.</p>"]
    known = normalize.shared_words(posts)
    assert "getrandom" in known and "arguedthat" not in known
    first = normalize.clean_post(RawPost("1", posts[0]), detect_language=False, known_names=known).text
    assert "getrandom crate" in first and "argued that" in first
    alone = normalize.clean_post(RawPost("1", posts[0]), detect_language=False).text
    assert "get random" in alone  # without the thread, a single post cannot tell the name from glue
