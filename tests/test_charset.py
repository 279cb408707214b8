"""Pages whose bytes are not in the charset they declare are decoded without losing their text."""
from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import CharsetMiddleware


def _through_middleware(body: bytes, content_type: str = "text/html; charset=utf-8") -> tuple[str, int]:
    crawler = get_crawler()
    middleware = CharsetMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1/t/1")
    response = HtmlResponse(request.url, body=body, headers={"Content-Type": content_type}, request=request)
    fixed = middleware.process_response(request, response)
    return fixed.text, crawler.stats.get_value("forumsift/pages_charset_fixed", 0)


def test_windows_1252_bytes_inside_a_utf8_page_are_converted_and_the_utf8_kept():
    utf8 = "<p>Привет — café</p>".encode("utf-8")
    pasted = "<p>He said \u201cdon\u2019t\u201d</p>".encode("cp1252")
    text, fixed = _through_middleware(b"<html><body>" + utf8 + pasted + b"</body></html>")
    assert "Привет — café" in text and "He said \u201cdon\u2019t\u201d" in text
    assert fixed == 1


def test_a_page_that_fits_its_charset_is_left_alone():
    body = "<html><body><p>Grüße aus Köln</p></body></html>".encode("utf-8")
    text, fixed = _through_middleware(body)
    assert "Grüße aus Köln" in text and fixed == 0
