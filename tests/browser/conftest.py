"""Browser fixtures: the real app in a subprocess, driven by headless Chromium (Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ATLAS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
#: Every wait for a state (selector, function, download) may take this long on the slowest
#: machine; it costs nothing when the state arrives early.
STATE_TIMEOUT_MS = 60_000
#: Time for ``python app.py`` to answer its first request (a loaded CI machine included).
SERVER_START_S = 180
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """``python app.py`` on a free loopback port, as a user starts it."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path_factory.mktemp("server") / "app.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"app.py exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/departements", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        log.close()
        raise RuntimeError(
            f"app.py did not answer within {SERVER_START_S} s:\n{log_path.read_text()}"
        )
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture()
def fresh_page(browser, server_url):
    """A new page in its own browser context (empty storage), not yet on the app: for tests
    that open their own link. Every request URL is recorded in ``page.requests_seen``."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="fr-FR")
    context.set_default_timeout(STATE_TIMEOUT_MS)
    pg = context.new_page()
    seen: list[str] = []
    pg.on("request", lambda req: seen.append(req.url))
    pg.requests_seen = seen
    yield pg
    context.close()


@pytest.fixture()
def page(fresh_page, server_url):
    """A fresh page on the app's default view, its map drawn."""
    fresh_page.goto(server_url, wait_until="networkidle")
    fresh_page.wait_for_function(
        "() => { const g = document.querySelector('#map .js-plotly-plot');"
        " return g && g.data && g.data.length > 0; }",
        timeout=STATE_TIMEOUT_MS,
    )
    return fresh_page
