"""What an installing admin does on a CRM's consent page, done with `requests`: open the authorize URL the
adapter built, submit the form as served (hidden fields and all, plus the account picked and the button
pressed), and read `code` and `state` off the redirect back to the connector."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def consent(authorize_url: str, redirect_uri: str, decision: str, **choices: str) -> dict[str, str]:
    """Follow the consent page at `authorize_url` and return the query the CRM redirects back with."""
    with requests.Session() as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text
        form = {name: unescape(value) for name, value in _HIDDEN.findall(page.text)}
        action = urljoin(authorize_url, unescape(_ACTION.search(page.text).group(1)))
        answer = browser.post(action, data={**form, **choices, "decision": decision}, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(redirect_uri), location
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
