"""Signatures: what an engine finds as a post's signature is stored as its signature, on every
engine's fixture forum, and stays out of the post's text."""
from __future__ import annotations

import pytest

from fixtures.server import site_engines
from normalize import clean_post
from tests.fixture_pages import thread_posts

# Discourse and Flarum show no signatures at all, so their fixture forums have none to keep.
WITHOUT_SIGNATURES = {"discourse", "flarum"}


@pytest.mark.parametrize("engine", [e for e in site_engines() if e not in WITHOUT_SIGNATURES])
def test_a_signature_the_engine_finds_is_kept_as_the_post_s_signature(engine):
    # An engine handed the signature element itself (`div.signature`, `div.postsignature`), and the
    # normalizer drops an element of that class as chrome: the signature came out empty on MyBB,
    # phpBB 3, SMF, FluxBB, IP.Board 3 and XenForo 1, and went unstored.
    signed = [post for post in thread_posts(engine) if post.signature_html]
    assert signed, f"the {engine} fixture forum shows no signatures"
    for post in signed:
        clean = clean_post(post, detect_language=False)
        assert clean.signature, (engine, post.post_id, post.signature_html)
        assert clean.signature.split()[-1] not in clean.text.split()[-3:], (engine, post.post_id)
