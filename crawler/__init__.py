"""The forumsift Scrapy project: settings, items, engines, the `forum` spider, pipelines, the CLI."""
from __future__ import annotations


def _offline_public_suffix_list() -> None:
    """Scrapy's cookie middleware asks tldextract for the public suffix list, which by default
    downloads it from the internet on first use. A crawler must not call a third party on every
    start (and tests never touch the internet): use the snapshot tldextract ships instead."""
    try:
        import scrapy.downloadermiddlewares.cookies as cookies  # noqa: PLC0415
        from tldextract import TLDExtract  # noqa: PLC0415
    except ImportError:
        return
    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
    # called from crawler/settings.py, which Scrapy loads for every crawl: importing Scrapy here
    # would cost every `forumsift` command (extract, query) a third of a second

