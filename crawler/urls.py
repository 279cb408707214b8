"""Which URLs a forum crawl follows, and in which form.

`canonical_url` drops session ids from query strings and paths (phpBB `sid=`, vBulletin `s=`,
PHP `PHPSESSID=`, Java `;jsessionid=`) so the same page is fetched once however the forum
linked it. `trap_reason` names the pages a crawl must never walk into: forms that post or
reply, member lists and profiles, search, printable and "archive" duplicates of threads,
login/registration, reactions and per-post permalinks. The rules are data (`TRAP_PATTERNS`);
they match path and query, never the host.

Deliberate gaps: a session id with another name stays in the URL (add it to
`SESSION_PARAMS`); a sort/filter parameter on a thread list is kept (it can be a real page).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# query parameters that carry a session, never content
SESSION_PARAMS = frozenset({"sid", "phpsessid", "sessionid", "session_id", "sessid", "jsessionid", "osCsid"})
# vBulletin's `s=` is a session only when it is a 32-hex hash (elsewhere `s=` can be a search)
_VB_SESSION = re.compile(r"^[0-9a-f]{32}$", re.I)
_PATH_SESSION = re.compile(r";(?:jsessionid|sid|phpsessid)=[^/?#]*", re.I)

# (name, pattern over "path?query", lower-cased; SMF separates parameters with ";"): the first
# match names why a URL is skipped
TRAP_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p)) for name, p in [
    ("posting form", r"/posting\.php|/newreply\.php|/newthread\.php|/post-thread|/add-reply|/reply(?:/|\?|$)"
                     r"|[?&;](?:mode|do|action)=(?:post|reply|quote|newthread|newreply|edit)\b"),
    ("member list", r"/members?(?:/|\.php|$)|/memberlist\.php|/member\.php|/profile\.php|/users?/|/u/"
                    r"|[?&;]action=profile|[?&;]mode=viewprofile"),
    ("search", r"/search(?:/|\.php|$|\?)|[?&;](?:do|action)=search|/whats-new/"),
    ("printable view", r"/printthread\.php|/print(?:/|$)|[?&;](?:action=printpage|view=print|printable=)"),
    ("login or registration", r"/(?:login|logout|register|lost-password)(?:/|\.php|$|\?)|/ucp\.php"
                               r"|[?&;]action=(?:login|register)"),
    ("post action", r"/posts/\d+/(?:react|reactions|report|share|like)|/goto/|/report\.php"),
    ("archive duplicate", r"/archive/index\.php"),
]]


def canonical_url(url: str) -> str:
    """`url` without session ids (query and `;jsessionid=` path forms) and without a fragment."""
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs
            if k.lower() not in SESSION_PARAMS and not (k == "s" and _VB_SESSION.match(v))]
    query = urlencode(kept) if len(kept) != len(pairs) else parts.query
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def trap_reason(url: str) -> str | None:
    """Why `url` is a page a forum crawl must not follow, or None when it may."""
    parts = urlsplit(url)
    target = (parts.path + ("?" + parts.query if parts.query else "")).lower()
    for name, pattern in TRAP_PATTERNS:
        if pattern.search(target):
            return name
    return None
