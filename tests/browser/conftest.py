"""Headless Chromium (Debian's ``chromium``) driven by Playwright, for the page tests.

Never downloads a browser: the tests skip, saying why, when ``/usr/bin/chromium`` or the
``playwright`` package is missing. Every request the page makes is recorded, and so are
console messages, uncaught errors and dialogs, so a test can assert there were none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
READY = "body[data-ready=true]"


@dataclass
class OpenedPage:
    """A loaded page and everything it did while loading and afterwards."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait_until(self, expression: str, timeout: float = 5.0) -> Any:
        """Poll ``expression`` until truthy (the page's CSP forbids wait_for_function)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.05)


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium with a fresh profile for the whole session."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (scripts/setup.sh)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=LAUNCH_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def open_page(browser_context: Any) -> Iterator[Callable[[Path], OpenedPage]]:
    """Open a page file from ``file://`` and wait until the network is drawn."""
    pages: list[Any] = []

    def opener(path: Path) -> OpenedPage:
        page = browser_context.new_page()
        pages.append(page)
        opened = OpenedPage(page)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                opened.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: opened.console_errors.append(str(error)))

        def on_dialog(dialog: Any) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri())
        page.wait_for_selector(READY, state="attached", timeout=30_000)
        return opened

    yield opener
    for page in pages:
        page.close()
