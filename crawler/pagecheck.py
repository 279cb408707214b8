"""Why a page is no forum page: login walls, bot challenges, error pages, empty JS shells.

Used when no engine recognises a page, and when a thread page shows no posts, so the crawl
reports a reason instead of storing chrome as posts.
"""
from __future__ import annotations

import re

from crawler.engines.base import Page

_CHALLENGE = re.compile(r"cf-browser-verification|challenge-platform|cf_chl_|Just a moment\.\.\.|"
                        r"Checking your browser|DDoS protection by|Attention Required! \| Cloudflare|"
                        r"Making sure you(?:&#39;|')re not a bot|anubis_challenge|id=\"anubis_", re.I)
_LOGIN = re.compile(r"you must (?:be )?(?:logged in|log in|login|register)|please (?:log in|login|sign in)|"
                    r"you are not logged in|not authorized to view|you do not have permission|"
                    r"sign in to (?:view|continue)|melde dich an|connectez-vous|войдите", re.I)
_ERROR_TITLE = re.compile(r"\b(404|403|500|502|503|not found|forbidden|error|maintenance)\b", re.I)


def not_a_forum_reason(page: Page) -> str | None:
    """A short reason when the page is a login wall, a challenge, an error page or an empty shell."""
    body = page.body_text or ""
    title = " ".join(page.css("title::text").getall()).strip()
    if _CHALLENGE.search(title) or _CHALLENGE.search(body[:20000]):
        return "a bot challenge page (Cloudflare, Anubis or the like) stands in front of it"
    if page.status >= 400:
        return f"HTTP {page.status} error page"
    visible = " ".join(t.strip() for t in page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    # a hidden sign-in form (Discourse puts one in every page) is no login wall
    has_password = bool(page.xpath("//input[@type='password'][not(ancestor::*[@hidden or "
                                   "contains(translate(@style, ' ', ''), 'display:none')])]"))
    if has_password and (_LOGIN.search(visible) or len(visible) < 3000):
        return "a login wall: the page asks to log in (try --cookies with a logged-in browser's cookies)"
    if _LOGIN.search(visible) and len(visible) < 2000:
        return "a login wall: the page asks to log in"
    if title and _ERROR_TITLE.search(title) and len(visible) < 2000:
        return f"an error page ({title[:80]})"
    if len(visible) < 200 and page.css("script, link[as=script]"):  # scripts inline or preloaded
        return "an empty page that needs JavaScript to show anything"
    return None
