"""Per-site selector overrides, for forums with a custom theme.

A TOML file replaces any selector of an engine, for every site on that engine or for one site:

    # overrides.toml
    [engines.xenforo2]                       # every XenForo 2 forum
    author_title = ".userBanner strong"

    [sites."forum.example.org"]              # one forum (matched on the host name)
    engine = "xenforo2"                      # optional: apply only when this engine reads the site
    [sites."forum.example.org".selectors]
    post = "article.MessageCard"
    body = ".MessageCard__content"

Selector names are those of `crawler.engines.base.Engine` (see its docstring).
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit


class OverridesError(ValueError):
    """The overrides file cannot be read or has the wrong shape."""


def load_overrides(path: str | None, site_url: str, engine: str | None) -> dict[str, str]:
    """Selectors that replace the engine's own for `site_url`; {} when there is no file."""
    if not path:
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OverridesError(f"cannot read selector overrides {path}: {exc}") from exc
    # every table is checked, not only the ones this site takes: a mistake shows on the first run
    engines = {name: _strings(table, f"engines.{name}") for name, table in (data.get("engines") or {}).items()}
    sites = data.get("sites") or {}
    site_selectors = {host: _strings(site.get("selectors", {}) if isinstance(site, dict) else site,
                                     f"sites.{host}.selectors") for host, site in sites.items()}
    selectors = dict(engines.get(engine, {})) if engine else {}
    host = urlsplit(site_url).hostname or ""
    site = sites.get(host, {})
    if site and (not site.get("engine") or site.get("engine") == engine):
        selectors.update(site_selectors[host])
    return selectors


def _strings(table: object, where: str) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise OverridesError(f"[{where}] must map selector names to strings")
    for name, value in table.items():
        _check_selector(value, f"[{where}] {name}")
    return dict(table)


def _check_selector(value: str, where: str) -> None:
    """OverridesError when an alternative of `value` is neither CSS nor XPath: a crawl would read
    no post with it and still finish, as if the forum were empty."""
    from cssselect import SelectorError  # noqa: PLC0415
    from lxml.etree import XPathError  # noqa: PLC0415

    from crawler.engines.base import _compiled  # noqa: PLC0415 (base is what reads the selectors)

    for alternative in value.split(" || "):
        try:
            _compiled(alternative.strip())
        except (SelectorError, XPathError, ValueError) as exc:
            raise OverridesError(f"{where} = {value!r}: not a CSS or XPath selector ({exc})") from exc
