"""Discourse: crawled through its JSON API; saved pages read from the no-JS crawler view.

JSON API (what the spider uses; no HTML parsing):
  /site.json                      every category with its parent: the forum path of each topic
  /latest.json, /c/{slug}/{id}.json
                                  topic lists; `topic_list.more_topics_url` is the next page
                                  (same path without `.json`, so `.json` is put back in); each
                                  topic's reply count and last post time let an incremental
                                  re-crawl skip topics that did not move (`api_thread_url`)
  /t/{id}.json                    a topic: `post_stream.posts` holds only the first chunk (20 on a
                                  real forum) while `post_stream.stream` lists every post id ...
  /t/{id}/posts.json?post_ids[]=  ... so the rest is fetched here, 20 ids per request
Post fields read: id, post_number, username, user_id, user_title, created_at, updated_at + version
(edited when version > 1), cooked (the post's HTML), actions_summary id 2 (likes),
user_signature (discourse-signatures plugin). Small-action rows ("closed the topic") and deleted
posts are skipped. Chunks fetched through posts.json take their title and category from the topic
JSON read before them: the engine (one per spider) keeps a topic's until its last chunk is read. A
chunk read without its topic (a crawl resumed from a JOBDIR) comes without them, and the store
keeps what it already has.

Crawler view (`forumsift extract` on saved pages; what browsers get inside <noscript> and bots
get as the page): posts `div.topic-body.crawler-post#post_N`, N being the post number. A page
saved from a browser also carries the topic JSON's first chunk in `#data-preloaded`: when it
holds every post of the page, posts get their API ids and user titles from it; otherwise (bots'
pages, later pages) the post number stands in as the post id; small actions show as posts whose author
link is followed by a label ("system Closed") and are skipped; author `span.creator [itemprop=name]`, date
`time.post-time[datetime]`, edits `meta[itemprop=dateModified]`, body `div.post[itemprop=text]`,
quotes `aside.quote[data-username][data-post][data-topic]` with a `div.title` and a blockquote.
A link to another topic, alone on its line, shows as such a quote of the topic's first post but
without `data-username`: its title holds the topic's link and category badge, its avatar the poster.
The link stays in the post where it was written; the excerpt is a quote of the poster named in the
avatar's path (`/user_avatar/HOST/NAME/…`, the lower-case form Discourse keeps), or of no one.
A browser page saved before the app rendered (no crawler-post, empty `#main-outlet`) is an empty
JavaScript shell and is reported as such, not read.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
from parsel import Selector

from crawler.engines import dates
from crawler.engines.base import ApiPage, Engine, Page, ThreadLink, ThreadPage, first_attr
from normalize.model import RawPost, RawQuote

_QUOTE = "aside[contains(concat(' ', normalize-space(@class), ' '), ' quote ')]"
_AVATAR_USER = re.compile(r"/user_avatar/[^/]+/([^/]+)/\d+/")
_API_CHUNK = 20  # post ids per posts.json request, as Discourse's own client asks
_EDIT_GRACE = timedelta(minutes=5)  # Discourse's editing grace period: such edits make no revision
_TOPIC_PATH = re.compile(r"/t/(?:[^/?#]+/)?(\d+)(?:/\d+)?/?$")
_CATEGORY_PATH = re.compile(r"/c/((?:[^/?#]+/)*?)(\d+)/?$")
_SITE_SECTIONS = re.compile(r"/(?:t|c|latest|categories|top|new|u|tag|tags|search|site)(?:[/.?]|$)")


class Discourse(Engine):
    name = "discourse"
    label = "Discourse"
    SELECTORS = {
        "post": "div.topic-body.crawler-post[id^='post_']",
        "post_id": "@id",
        "author": "span.creator [itemprop=name] || span.creator a",
        "author_url": "span.creator a::attr(href)",
        "date_attr": "time.post-time::attr(datetime) || meta[itemprop=datePublished]::attr(content)",
        "date_text": "time.post-time",
        "modified_attr": "meta[itemprop=dateModified]::attr(content)",
        # words beside the author link: "(Display Name)", or a small action's label ("Closed")
        "creator_note": ".//span[contains(concat(' ', @class, ' '), ' creator ')]/text()",
        "body": "div.post[itemprop=text]",
        # attributed quotes, and bare Markdown `>` blockquotes (quotes with no author)
        "quote": f".//{_QUOTE}[not(ancestor::{_QUOTE})] "
                 "| .//blockquote[not(ancestor::aside)][not(ancestor::blockquote)]",
        "quote_author_attr": "@data-username",
        "quote_author_text": "div.title",
        "quote_post_id_attr": "@data-post",
        "quote_body": "blockquote",
        # a linked topic shown as a quote (no data-username): the link in its title (not the
        # category badge) and the avatar of the topic's poster
        "linked_topic": "div.title a[href]:not(.badge-category__wrapper)",
        "linked_topic_avatar": "div.title img.avatar::attr(src)",
        # image captions ("image 1920×1080 123 KB"), heading anchors and link previews (onebox:
        # the linked page's title and summary) are chrome, not the poster's words
        "remove": ".lightbox-wrapper .meta, a.anchor, .quote-controls, aside.onebox, script, style",
        "likes": "meta[itemprop=userInteractionCount]::attr(content)",
        "position": "span[itemprop=position]",
        "title": "#topic-title h1 a || #topic-title h1",
        "breadcrumbs": ".topic-category .category-name",
        "thread_row": "tr.topic-list-item",
        "row_link": "a.raw-topic-link::attr(href)",
        "row_title": "a.raw-topic-link",
        "row_replies": "td.replies span.posts",
        "row_last_post_text": "td:last-child",  # the activity column: "March 15, 2025"
        "thread_link": "a.raw-topic-link::attr(href)",
    }
    THREAD_ID_PATTERN = r"/t/(?:[^/]+/)?(\d+)"
    PAGE_NUMBER_PATTERN = r"[?&]page=(\d+)"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._start_url: str | None = None
        self._categories: dict[int, tuple[str, int | None]] = {}  # id -> (name, parent id)
        # topics whose posts.json chunks are still to come: title, slug, category_id, the chunks
        # pending and {post number: post id} (for quotes); dropped after the last chunk
        self._topics: dict[int, dict[str, Any]] = {}
        self._quoting_topic: int | None = None  # the topic whose posts are being read, for quotes
        self._quoting_by_number = False

    # -- detection -------------------------------------------------------------------------
    def detect(self, page: Page) -> float:
        # it runs on every page: every Discourse page (app shell and crawler view) names its
        # generator, an anchored XPath into <head>; the source is searched only after that hit
        if not page.xpath("/html/head/meta[@name='generator'][starts-with(@content, 'Discourse')]"):
            return 0.0
        score = 0.8
        text = page.body_text
        if "data-discourse-setup" in text or "discourse_theme_id" in text:
            score += 0.2
        if "crawler-post" in text or "crawler-nav" in text:
            score += 0.2
        if "_forum_session" in page.cookies:
            score += 0.1
        return min(score, 1.0)

    # -- JSON API ----------------------------------------------------------------------------
    def api_entry(self, page: Page) -> str | None:
        """Crawl through the API: first `/site.json` for the category tree."""
        self._start_url = page.url
        return self._base(page.url) + "/site.json"

    def api_parse(self, url: str, data: Any, fetched_at: datetime) -> ApiPage:
        """Read /site.json, a topic list, a topic or a posts.json chunk."""
        path = urlsplit(url).path
        if not isinstance(data, dict):
            return ApiPage()
        if path.endswith("/site.json"):
            return self._read_site(url, data)
        if "topic_list" in data:
            return self._read_topic_list(url, data)
        if path.endswith("/posts.json"):
            return self._read_posts_chunk(url, data, fetched_at)
        if "post_stream" in data:
            return self._read_topic(url, data, fetched_at)
        return ApiPage()

    def _base(self, url: str) -> str:
        """The forum's root URL (Discourse may live in a sub-folder such as /forum)."""
        parts = urlsplit(url)
        root = _SITE_SECTIONS.split(parts.path, 1)[0].rstrip("/")
        return f"{parts.scheme}://{parts.netloc}{root}"

    def _read_site(self, url: str, data: dict) -> ApiPage:
        for cat in data.get("categories") or []:
            self._categories[int(cat["id"])] = (cat.get("name") or "", cat.get("parent_category_id"))
        base = self._base(url)
        start_path = urlsplit(self._start_url or url).path.rstrip("/")
        topic = _TOPIC_PATH.search(start_path)
        category = _CATEGORY_PATH.search(start_path)
        if topic:
            first = f"{base}/t/{topic.group(1)}.json"
        elif category:
            first = f"{base}/c/{category.group(1)}{category.group(2)}.json"
        else:
            first = f"{base}/latest.json"
        return ApiPage(follow=[first])

    def _read_topic_list(self, url: str, data: dict) -> ApiPage:
        base = self._base(url)
        listing = data["topic_list"] or {}
        result = ApiPage()
        for topic in listing.get("topics") or []:
            topic_id = int(topic["id"])
            posts_count = topic.get("posts_count")
            result.thread_links.append(ThreadLink(
                url=f"{base}/t/{topic.get('slug') or 'topic'}/{topic_id}", title=topic.get("title"),
                thread_id=str(topic_id), replies=posts_count - 1 if isinstance(posts_count, int) else None,
                last_post_at=dates.parse_machine(topic.get("last_posted_at") or topic.get("bumped_at"))))
        more = listing.get("more_topics_url")
        if more:
            more_path, _, query = more.partition("?")
            # more_topics_url is the HTML path; the same path with .json is the API
            result.follow.append(urljoin(base + "/", more_path.lstrip("/")) + ".json" + (f"?{query}" if query else ""))
        return result

    def api_thread_url(self, link: ThreadLink) -> str | None:
        """A topic list's link -> its topic JSON (the spider asks for the topics worth reading)."""
        return f"{self._base(link.url)}/t/{link.thread_id}.json" if link.thread_id else None

    def _read_topic(self, url: str, data: dict, fetched_at: datetime) -> ApiPage:
        topic_id = int(data["id"])
        stream = data["post_stream"]
        posts = stream.get("posts") or []
        have = {p.get("id") for p in posts}
        missing = [pid for pid in stream.get("stream") or [] if pid not in have]
        base = self._base(url)
        chunks = [missing[i:i + _API_CHUNK] for i in range(0, len(missing), _API_CHUNK)]
        follow = [f"{base}/t/{topic_id}/posts.json?" + urlencode([("post_ids[]", pid) for pid in chunk])
                  for chunk in chunks]
        self._topics[topic_id] = {"title": data.get("title"), "slug": data.get("slug"),
                                  "category_id": data.get("category_id"), "pending": len(chunks), "numbers": {}}
        page = self._thread_page(base, topic_id, posts, fetched_at, page_number=1)
        if not chunks:
            del self._topics[topic_id]
        return ApiPage(threads=[page], follow=follow)

    def _read_posts_chunk(self, url: str, data: dict, fetched_at: datetime) -> ApiPage:
        posts = (data.get("post_stream") or {}).get("posts") or []
        if not posts:
            return ApiPage()
        topic_id = int(data.get("id") or posts[0]["topic_id"])
        page = self._thread_page(self._base(url), topic_id, posts, fetched_at, page_number=None)
        topic = self._topics.get(topic_id)
        if topic is not None:
            topic["pending"] -= 1
            if topic["pending"] <= 0:  # the last chunk: nothing more asks for this topic
                del self._topics[topic_id]
        return ApiPage(threads=[page])

    def _thread_page(self, base: str, topic_id: int, posts: list[dict], fetched_at: datetime,
                     page_number: int | None) -> ThreadPage:
        topic = self._topics.get(topic_id) or {}
        slug = topic.get("slug") or (posts[0].get("topic_slug") if posts else None) or "topic"
        thread_url = f"{base}/t/{slug}/{topic_id}"
        numbers = topic.setdefault("numbers", {})
        numbers.update({int(p["post_number"]): str(p["id"]) for p in posts if p.get("post_number") is not None})
        raw_posts = [post for p in posts if (post := self._api_post(base, topic_id, p, fetched_at))]
        first_number = min((p.position for p in raw_posts if p.position), default=1)
        return ThreadPage(
            url=thread_url if page_number == 1 else f"{thread_url}/{first_number}",
            title=topic.get("title"), forum_path=self._category_path(topic.get("category_id")),
            posts=raw_posts, thread_id=str(topic_id), page_number=page_number)

    def _category_path(self, category_id: int | None) -> list[str]:
        path: list[str] = []
        seen: set[int] = set()
        while category_id is not None and category_id in self._categories and category_id not in seen:
            seen.add(category_id)
            name, parent = self._categories[category_id]
            path.insert(0, name)
            category_id = parent
        return path

    def _api_post(self, base: str, topic_id: int, p: dict, fetched_at: datetime) -> RawPost | None:
        # small actions ("closed this topic") and deleted posts carry no words of their own
        if p.get("action_code") or p.get("post_type") == 3 or p.get("deleted_at") or p.get("user_deleted"):
            return None
        cooked = p.get("cooked") or ""
        holder = lxml.html.fragment_fromstring(cooked or "<p></p>", create_parent="div")
        self._quoting_topic, self._quoting_by_number = topic_id, False
        page = Page(url=base, selector=Selector(text="<html/>"), fetched_at=fetched_at)
        body_html, quotes = self.body_and_quotes(Selector(root=holder), page)
        posted_at = dates.parse_machine(p.get("created_at"))
        edited_at = dates.parse_machine(p.get("updated_at")) if (p.get("version") or 1) > 1 else None
        username = p.get("username")
        likes = sum(a.get("count") or 0 for a in p.get("actions_summary") or [] if a.get("id") == 2)
        return RawPost(
            post_id=str(p["id"]), body_html=body_html, position=p.get("post_number"), author=username,
            author_id=str(p["user_id"]) if p.get("user_id") is not None else None,
            author_url=f"{base}/u/{username}" if username else None, author_title=p.get("user_title") or None,
            posted_at=posted_at, posted_at_raw=p.get("created_at"), edited_at=edited_at, quotes=quotes,
            signature_html=p.get("user_signature") or None, likes=likes)

    def parse_quote(self, q: Selector) -> RawQuote:
        """A quote names a topic and a post number: the quoted post's id where it is known (the
        API's id for posts already read; on a crawler page, the post number within its topic)."""
        linked_topic = "data-username" not in q.attrib and q.css(self.sel["linked_topic"])
        if linked_topic:
            _keep_topic_link(q, linked_topic[0])
        quote = super().parse_quote(q)
        if linked_topic:
            avatar = _AVATAR_USER.search(q.css(self.sel["linked_topic_avatar"]).get() or "")
            quote.author = avatar.group(1) if avatar else None  # not the title: a topic's name
        topic, number = q.attrib.get("data-topic", ""), q.attrib.get("data-post", "")
        quote.post_id = None
        if number.isdigit():
            topic_id = int(topic) if topic.isdigit() else self._quoting_topic
            if self._quoting_by_number:
                quote.post_id = number if topic_id == self._quoting_topic else None
            elif topic_id is not None:
                quote.post_id = (self._topics.get(topic_id) or {}).get("numbers", {}).get(int(number))
        return quote

    # -- crawler view (saved pages) -------------------------------------------------------------
    def thread(self, page: Page) -> ThreadPage:
        topic_id = self.thread_id(page.url)
        self._quoting_topic = int(topic_id) if topic_id else None
        self._quoting_by_number = True
        thread = super().thread(page)
        preloaded = self._preloaded_posts(page, topic_id)
        # the API's ids only when every post of the page is in the preloaded chunk: one page never
        # mixes the two kinds of id
        if preloaded and all(post.position in preloaded for post in thread.posts):
            for post in thread.posts:
                meta = preloaded[post.position]
                post.post_id = str(meta["id"])
                post.author_id = str(meta["user_id"]) if meta.get("user_id") is not None else None
                post.author_title = meta.get("user_title") or None
                for quote in post.quotes:
                    quoted = preloaded.get(int(quote.post_id)) if quote.post_id else None
                    quote.post_id = str(quoted["id"]) if quoted else None
        return thread

    def _preloaded_posts(self, page: Page, topic_id: str | None) -> dict[int, dict]:
        """post number -> post, from the topic JSON a browser's page carries in #data-preloaded
        (its first chunk of posts); {} for the crawler view served to bots, which has none."""
        raw = page.css("#data-preloaded::attr(data-preloaded)").get()
        if not raw or not topic_id:
            return {}
        try:
            topic = json.loads(json.loads(raw).get(f"topic_{topic_id}") or "{}")
        except (ValueError, AttributeError, TypeError):
            return {}
        posts = (topic.get("post_stream") or {}).get("posts") or []
        return {p["post_number"]: p for p in posts if isinstance(p, dict) and p.get("post_number") and p.get("id")}

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        note = " ".join(" ".join(node.xpath(self.sel["creator_note"]).getall()).split())
        if note and not (note.startswith("(") and note.endswith(")")):
            return None  # a small action ("Closed", "Pinned globally") is no post, as in the API
        post = super().parse_post(node, page)
        if post is None:
            return None
        modified = dates.parse_machine(first_attr(node, self.sel.get("modified_attr")))
        if modified and post.posted_at and modified - post.posted_at > _EDIT_GRACE:
            post.edited_at = modified
        return post

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0].split("?", 1)[0]
        m = re.search(r"^(.*?/t/(?:[^/]+/)?\d+)(?:/\d+)?(?:\.json)?/?$", url)
        return m.group(1) if m else url


def _keep_topic_link(quote: Selector, link: Selector) -> None:
    """Put a linked topic's link, as the poster wrote it, in the body before the quote that shows
    it (the body is a copy the quote is taken out of)."""
    para = lxml.html.Element("p")
    anchor = lxml.html.Element("a", href=link.attrib["href"])
    anchor.text = " ".join(link.xpath("string()").get().split())
    para.append(anchor)
    quote.root.addprevious(para)
