"""Check the built book in a real headless browser (Debian's chromium), and take screenshots.

Each page — the front page, every part's landing page and every chapter — is loaded in
chromium through the DevTools protocol (a websocket, spoken with tornado, which the
Jupyter stack already installs), with every host name unresolvable, as for a reader
offline. After the load event the page itself reports images that failed to render,
every link, code blocks wider than the page, lines a sweep printed per job, scripts
loaded from the network and formulas left untypeset; a link inside the book must point
to an existing file and, if it has a ``#fragment``, to an element with that id. A
screenshot of each page is saved beside the build. The reader's-page convention it
checks is {ref}`pipeline-reading`.

Usage: ``python -m helpers.pipeline.browser --profile ci`` (after the book is built).

Explained in the book: {ref}`pipeline-checks`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

from tornado.websocket import websocket_connect

from helpers.paths import repo_root

PAGES = ["index.html", "intro.html"]  # the front page (index.html redirects to it)
REPORT_JS = """JSON.stringify({
  broken_images: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  wide_code: [...document.querySelectorAll('.cell_input pre')].filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => p.textContent.split('\\n').find(line => line.length > 100) || p.textContent.slice(0, 80)),
  job_lines: [...document.querySelectorAll('.cell_output pre')].map(p => p.textContent)
    .filter(t => /^job \\d+\\/\\d+/m.test(t)).length,
  remote_scripts: [...document.scripts].map(s => s.src).filter(src => src && !src.startsWith('file:')),
  raw_math: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container'))
    .map(e => e.textContent.slice(0, 60)),
  title: document.title})"""


class BrowserCheckFailed(AssertionError):
    """A page has a broken image or internal link."""


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise BrowserCheckFailed("no chromium found: install Debian's chromium (`apt-get install -y chromium`), "
                             "as `make test` does")


async def _visit(ws_url: str, url: str, screenshot: Path) -> dict:
    conn = await websocket_connect(ws_url, max_message_size=256 * 1024 * 1024)
    counter = iter(range(1, 10**6))

    async def call(method: str, **params):
        ident = next(counter)
        conn.write_message(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            msg = json.loads(await conn.read_message())
            if msg.get("id") == ident:
                return msg.get("result", {})

    await call("Page.enable")
    conn.write_message(json.dumps({"id": 0, "method": "Page.navigate", "params": {"url": url}}))
    while json.loads(await conn.read_message()).get("method") != "Page.loadEventFired":
        pass
    await asyncio.sleep(1.0)  # let late scripts (math, plotly) settle
    report = json.loads((await call("Runtime.evaluate", expression=REPORT_JS))["result"]["value"])
    shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    conn.close()
    return report


def _broken_links(page: Path, links: list[str], html_root: Path) -> list[str]:
    bad = []
    for link in links:
        parsed = urlparse(link)
        if parsed.scheme != "file":
            continue  # external links are not followed (the book must work offline)
        target = Path(unquote(parsed.path))
        if html_root.resolve() not in target.resolve().parents and target.resolve() != html_root.resolve():
            bad.append(f"{link} (outside the book)")
        elif not target.exists():
            bad.append(f"{link} (no such file)")
        elif parsed.fragment and target.suffix == ".html":
            ids = set(re.findall(r'id="([^"]+)"', target.read_text(errors="replace")))
            if unquote(parsed.fragment) not in ids:
                bad.append(f"{link} (no element #{parsed.fragment})")
    return bad


def book_pages(html_root: Path) -> list[str]:
    """The pages to check: the front page, each built part's landing page and every chapter."""
    staged = Path(html_root).parent.parent / "_run.json"
    chapters = json.loads(staged.read_text()).get("chapters", {}) if staged.exists() else {}
    return PAGES + [page for name, steps in chapters.items()
                    for page in [f"{name}/index.html"] + [f"{name}/{step}.html" for step in steps]]


def check_book(html_root: Path, pages: list[str] | None = None, shots: Path | None = None) -> dict[str, dict]:
    """Load ``pages`` (default: :func:`book_pages`) of a built book in headless chromium; raise on
    broken images or links."""
    html_root = Path(html_root)
    pages = book_pages(html_root) if pages is None else pages
    shots = shots or html_root.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # chromium's helper processes may still write to the profile while it is removed
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile_dir:
        proc = subprocess.Popen([find_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
                                 "--disable-dev-shm-usage", "--window-size=1440,1600", "--remote-debugging-port=0",
                                 "--host-resolver-rules=MAP * ~NOTFOUND",  # offline, as a reader may be
                                 f"--user-data-dir={profile_dir}", "about:blank"],
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            port = None
            for line in proc.stderr:
                if m := re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line):
                    port = m.group(1)
                    break
            if port is None:
                raise BrowserCheckFailed("chromium did not start its DevTools endpoint")
            results, problems = {}, []
            for page in pages:
                path = html_root / page
                if not path.exists():
                    problems.append(f"{page}: not built")
                    continue
                req = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
                target = json.loads(urllib.request.urlopen(req, timeout=30).read())
                shot = shots / (page.replace("/", "_").removesuffix(".html") + ".png")
                report = asyncio.run(_visit(target["webSocketDebuggerUrl"], path.resolve().as_uri(), shot))
                report["broken_links"] = _broken_links(path, report.pop("links"), html_root)
                report["screenshot"] = str(shot)
                results[page] = report
                problems += [f"{page}: image {src} did not render" for src in report["broken_images"]]
                problems += [f"{page}: link {link}" for link in report["broken_links"]]
                problems += [f"{page}: a code line runs off the page: {line!r}" for line in report["wide_code"]]
                problems += [f"{page}: loads a script from the network: {src}" for src in report["remote_scripts"]]
                problems += [f"{page}: a formula is not typeset (offline MathJax?): {text!r}"
                             for text in report["raw_math"][:3]]
                if report["job_lines"]:
                    problems.append(f"{page}: {report['job_lines']} output block(s) list jobs one per line")
        finally:  # the whole process group: renderers and helpers too, not only the browser
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if problems:
        raise BrowserCheckFailed("browser check failed:\n" + "\n".join(problems))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="check the built book in headless chromium")
    parser.add_argument("--profile", default="ci")
    args = parser.parse_args(argv)
    html = repo_root() / "runs" / args.profile / "book" / "_build" / "html"
    for page, report in check_book(html).items():
        print(f"{page}: '{report['title']}', no broken images or links; screenshot {report['screenshot']}")


if __name__ == "__main__":
    main()
