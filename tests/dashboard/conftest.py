"""The dashboard served on a real port and driven by Debian's headless Chromium through Playwright."""
from __future__ import annotations

from pathlib import Path

import pytest

from connector.sandbox.server import SandboxServer
from tests.app.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, app, app_config, database_url  # noqa: F401  (fixtures)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# `browser` (one Chromium for the session) comes from tests/fixtures/browser.py.


@pytest.fixture
def live_server(app):  # noqa: F811
    with SandboxServer(app) as server:
        yield server


@pytest.fixture
def browser_page(browser):
    """A page with a small viewport, as inside a CRM's frame (JavaScript off too)."""
    context = browser.new_context(viewport={"width": 420, "height": 600}, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    # JavaScript off: every page and form must work without it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    yield context.new_page()
    context.close()


class DashboardUser:
    """An admin at the browser: opens pages, signs in, fills forms, keeps screenshots of what they saw."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url

    def open(self, path: str):
        return self.page.goto(self.base_url + path)

    def sign_in(self, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
        self.open("/auth/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def user(page, live_server) -> DashboardUser:
    return DashboardUser(page, live_server.base_url)
