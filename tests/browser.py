"""The station served on localhost and Debian's Chromium driven by Playwright, for browser tests.

Chromium comes from Debian (`make test` installs the `chromium` package); Playwright only drives
it. As root Chromium needs --no-sandbox; the other flags keep it off this machine's closed network.
Screenshots go to a temporary folder, or to `STATION_SCREENSHOTS` (`make screenshots` sets it to
docs/images).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """Serve the application with waitress (as `serve` does) on a free port; yield its address."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="station")
    address = f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield address
    finally:
        server.close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Yield a Playwright browser: Debian's Chromium, headless."""
    from playwright.sync_api import sync_playwright

    flags = [*FLAGS, "--no-sandbox"] if os.geteuid() == 0 else FLAGS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            yield browser
        finally:
            browser.close()


def screenshots(default: Path) -> Path:
    """Return where screenshots go: `STATION_SCREENSHOTS` when set, else `default`."""
    folder = Path(os.environ.get("STATION_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
