"""`forumsift extract` on saved pages: the crawl's own engine and normalizer code on files."""
from __future__ import annotations

import gzip
import json

from click.testing import CliRunner

from crawler.cli import cli
from crawler.extract import extract_html, page_url, read_page_file
from fixtures.content import demo_forum
from fixtures.server import make_site
from tests.conftest import forumsift

FIELDS = {"file", "url", "engine", "title", "forum_path", "next_page", "posts"}
POST_FIELDS = {"post_id", "position", "author", "author_title", "posted_at", "edited_at", "text", "quotes", "signature"}


def _extract(*args: str):
    """`forumsift extract ARGS` in process (the subprocess run is tested once, above)."""
    return CliRunner().invoke(cli, ["extract", *args])


def _saved(tmp_path, engine: str, path: str, name: str, gz: bool = False):
    html = make_site(engine).handle(path).bytes()
    target = tmp_path / name
    target.write_bytes(gzip.compress(html) if gz else html)
    return target


def test_saved_pages_plain_and_gz_one_json_document_each(tmp_path):
    thread = demo_forum().thread(107)
    first = _saved(tmp_path, "xenforo2", f"/threads/{thread.slug}.107/", "p1.html")
    second = _saved(tmp_path, "generic", f"/discussion/107-{thread.slug}?page=2", "p2.html.gz", gz=True)
    run = forumsift("extract", str(first), str(second), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    docs = [json.loads(line) for line in run.stdout.splitlines()]
    assert [d["engine"] for d in docs] == ["xenforo2", "generic"]
    for doc in docs:
        assert FIELDS <= set(doc)
        assert doc["title"] == thread.title
        assert doc["forum_path"][-1] == "Boats & Gardens"
        assert doc["posts"] and all(POST_FIELDS <= set(p) for p in doc["posts"])
    assert [p["post_id"] for p in docs[0]["posts"]] == [str(p.post_id) for p in thread.posts[:5]]
    assert [p["position"] for p in docs[1]["posts"]] == [6, 7, 8, 9, 10]
    assert docs[1]["next_page"].endswith("?page=3")


def test_quotes_come_apart_from_the_text(tmp_path):
    thread = demo_forum().thread(107)
    saved = _saved(tmp_path, "generic", f"/discussion/107-{thread.slug}", "t.html")
    doc = json.loads(_extract(str(saved)).output)
    quoting = next(p for p in thread.posts[:5] if p.quote_of)
    post = next(p for p in doc["posts"] if p["post_id"] == str(quoting.post_id))
    assert post["quotes"] == [{"author": quoting.quote_of.author.name, "post_id": str(quoting.quote_of.post_id),
                               "text": post["quotes"][0]["text"]}]
    assert post["quotes"][0]["text"] and post["quotes"][0]["text"] not in post["text"]
    assert "wrote:" not in post["text"]


def test_the_url_comes_from_the_flag_else_the_canonical_link(tmp_path):
    html = make_site("generic").handle("/discussion/109-rigging-questions").bytes().decode()
    saved = tmp_path / "t.html"
    saved.write_text(html.replace("</title>", '</title><link rel="canonical" href="https://boats.example.org/d/109">'))
    doc = json.loads(_extract(str(saved)).output)
    assert doc["url"] == "https://boats.example.org/d/109"
    doc = json.loads(_extract(str(saved), "--url", "https://boats.example.org/t/109").output)
    assert doc["url"] == "https://boats.example.org/t/109"
    assert page_url('<link rel="canonical" href="https://f.example/t/1">') == "https://f.example/t/1"
    assert page_url('<meta property="og:url" content="https://f.example/t/2">') == "https://f.example/t/2"


def test_a_forced_engine_is_used_and_an_unknown_one_is_a_clear_error(tmp_path):
    saved = _saved(tmp_path, "generic", "/discussion/109-rigging-questions", "t.html")
    doc = json.loads(_extract(str(saved), "--engine", "generic").output)
    assert doc["engine"] == "generic" and doc["posts"]
    run = forumsift("extract", str(saved), "--engine", "nosuchengine")
    assert run.returncode != 0 and "known engines" in run.stderr and "Traceback" not in run.stderr


def test_page_encoding_comes_from_its_meta_charset(tmp_path):
    html = make_site("generic").handle("/discussion/110-x").bytes().decode("utf-8")
    html = html.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    saved = tmp_path / "latin1.html"
    saved.write_bytes(html.encode("iso-8859-1", "replace"))
    text = read_page_file(saved)
    assert "Übersetzung" in text
    doc = extract_html(text)
    assert any("Übersetzung" in p["text"] for p in doc["posts"])


def test_posts_carry_dates_as_utc_iso(tmp_path):
    thread = demo_forum().thread(110)  # the German board prints dates in German only
    html = make_site("generic").handle(f"/discussion/110-{thread.slug}").bytes().decode()
    doc = extract_html(html, url="http://127.0.0.1/discussion/110")
    assert [p["posted_at"][:16] for p in doc["posts"]] == [p.posted_at.isoformat()[:16] for p in thread.posts]


def test_fixes_lists_what_the_normalizer_changed_in_each_post(tmp_path):
    thread = demo_forum().thread(107)
    saved = _saved(tmp_path, "xenforo2", f"/threads/{thread.slug}.107/", "t.html")
    saved.write_text(saved.read_text().replace('bbWrapper"><p>', 'bbWrapper"><p>He arguedthat it was fine . ', 1))
    post = json.loads(_extract(str(saved), "--fixes").output)["posts"][0]
    assert post["text"].startswith("He argued that it was fine. ")
    glue = next(f for f in post["fixes"] if f["kind"] == "glue")
    assert (glue["before"], glue["after"]) == ("arguedthat", "argued that") and isinstance(glue["offset"], int)
    assert "fixes" not in json.loads(_extract(str(saved)).output)["posts"][0]
