"""Logging in with a browser's cookies: `forumsift crawl --cookies FILE` / `FORUMSIFT_COOKIES`.

FILE is a Netscape cookies.txt, as browser extensions ("Get cookies.txt", "cookies.txt") and
`curl -c` write it: one cookie a line, seven tab-separated fields

    domain  include-subdomains  path  secure  expires  name  value

with `#HttpOnly_` before the domain of HTTP-only cookies. Forums that hide threads from guests
then show them to the crawl as to the logged-in browser. The cookies are added to each request
to a matching host after Scrapy's own cookie jar, so a cookie the forum sets later (a renewed
session) wins over the file's copy.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

_HTTP_ONLY = "#HttpOnly_"


@dataclass(frozen=True)
class FileCookie:
    domain: str
    subdomains: bool
    path: str
    secure: bool
    expires: int  # unix time; 0 for a session cookie
    name: str
    value: str

    def matches(self, url: str, now: float) -> bool:
        """True when a browser would send this cookie with a request to `url`."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        domain = self.domain.lstrip(".").lower()
        host_ok = host == domain or (self.subdomains and host.endswith("." + domain))
        path_ok = (parts.path or "/").startswith(self.path or "/")
        return (host_ok and path_ok and (not self.secure or parts.scheme == "https")
                and (self.expires == 0 or self.expires > now))


def read_cookies_txt(path: str | Path) -> list[FileCookie]:
    """The cookies of a Netscape cookies.txt; `ValueError` naming the line when it is not one."""
    cookies = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(_HTTP_ONLY):
            line = line[len(_HTTP_ONLY):]
        elif not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise ValueError(f"{path}:{number}: not a cookies.txt line (want 7 tab-separated fields)")
        domain, subdomains, cookie_path, secure, expires, name, value = fields
        cookies.append(FileCookie(domain, subdomains.upper() == "TRUE", cookie_path, secure.upper() == "TRUE",
                                  int(expires or 0), name, value))
    return cookies


class CookiesFileMiddleware:
    """Adds the cookies of `FORUMSIFT_COOKIES` (cookies.txt) to every matching request."""

    def __init__(self, cookies: list[FileCookie]):
        self.cookies = cookies

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CookiesFileMiddleware":
        path = crawler.settings.get("FORUMSIFT_COOKIES")
        if not path:
            raise NotConfigured
        cookies = read_cookies_txt(path)
        logger.info("forumsift: %d cookies from %s", len(cookies), path)
        return cls(cookies)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        now = time.time()
        header = request.headers.get(b"Cookie", b"").decode("latin-1")
        sent = {part.split("=", 1)[0].strip() for part in header.split(";") if part.strip()}
        extra = [f"{c.name}={c.value}" for c in self.cookies if c.name not in sent and c.matches(request.url, now)]
        if extra:
            request.headers[b"Cookie"] = "; ".join(filter(None, [header, *extra]))
