"""An admin's browser as a `requests` session against the app served on a real port: sign in, follow an install
through the sandbox's consent page, submit forms with their CSRF token."""
from __future__ import annotations

import html
import re

import requests

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD, CSRF_INPUT

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
FIRST_OPTION = re.compile(r'<select name="([^"]+)"><option value="([^"]+)"')


class AdminBrowser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(path if path.startswith("http") else self.base_url + path, timeout=30, **kwargs)

    def sign_in(self) -> None:
        token = CSRF_INPUT.search(self.get("/auth/login").text).group(1)
        answer = self.http.post(self.base_url + "/auth/login", timeout=30,
                                data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token})
        assert answer.ok and "Installations" in answer.text

    def submit(self, page: str, action: str, data: dict | None = None) -> requests.Response:
        token = CSRF_INPUT.search(self.get(page).text).group(1)
        return self.http.post(self.base_url + action, data={**(data or {}), "csrf_token": token}, timeout=60)

    def consent(self, page: requests.Response, choice: str | None = None, decision: str = "approve") -> requests.Response:
        """Approve (or deny) on the sandbox's consent page; redirects are followed back to the app."""
        assert page.status_code == 200, page.text
        form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
        select, first = FIRST_OPTION.search(page.text).groups()
        form[select] = choice or first
        form["decision"] = decision
        action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
        origin = re.match(r"https?://[^/]+", page.url).group(0)
        return self.http.post(origin + action, data=form, timeout=60)
