"""Keep secrets that travel in URLs out of access logs: OAuth `code` and `state`, card `token`, Canvas
`signed_request`, and the Outbound Message endpoint's per-installation secret.

Applied as a filter on the loggers that write request lines: werkzeug's (`leadscore serve`) and gunicorn's
access log (when an operator turns it on).
"""
from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"([?&](?:code|state|token|signed_request)=)[^&\s\"']*")
_PATH = re.compile(r"(/webhooks/salesforce/)[^/?\s\"']+")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def scrub(line: str) -> str:
    return _PATH.sub(r"\1[scrubbed]", _QUERY.sub(r"\1[scrubbed]", line))


class ScrubSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), ()
        return True


def install() -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubSecrets) for f in logger.filters):
            logger.addFilter(ScrubSecrets())
