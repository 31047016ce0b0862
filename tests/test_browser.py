"""The browser check itself: a page with a broken image or link fails, a sound page passes."""

import pytest

from helpers.pipeline.browser import BrowserCheckFailed, check_book

PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _book(tmp_path, body: str):
    import base64

    (tmp_path / "img.png").write_bytes(base64.b64decode(PIXEL))
    (tmp_path / "other.html").write_text('<html><body><h2 id="here">x</h2></body></html>')
    (tmp_path / "index.html").write_text(f"<html><head><title>t</title></head><body>{body}</body></html>")
    return tmp_path


def test_sound_page_passes(tmp_path):
    html = _book(tmp_path, '<img src="img.png"><a href="other.html#here">ok</a><a href="https://example.org">ext</a>')
    report = check_book(html, ["index.html"], tmp_path / "shots")["index.html"]
    assert report["broken_images"] == [] and report["broken_links"] == []


WIDE = '<div class="cell_input"><pre style="width:300px;overflow:auto">' + "x = " + "1 + " * 60 + "1</pre></div>"
JOBS = '<div class="cell_output"><pre>job 1/3: cfr-comm-3-s13\njob 2/3: cfr-comm-3-s14</pre></div>'


@pytest.mark.parametrize("body,problem", [
    ('<img src="missing.png">', "did not render"),
    (WIDE, "runs off the page"),
    (JOBS, "list jobs one per line"),
    ('<a href="nowhere.html">x</a>', "no such file"),
    ('<a href="other.html#gone">x</a>', "no element #gone"),
])
def test_broken_image_or_link_fails(tmp_path, body, problem):
    with pytest.raises(BrowserCheckFailed, match=problem):
        check_book(_book(tmp_path, body), ["index.html"], tmp_path / "shots")
