"""Whether the provider answers, before a browser is sent there.

The portal reads the provider's metadata once and keeps it. If the provider
then stops answering, "Continue to the identity service" would send the
citizen to a dead address: a browser error page, in no language of ours,
with no way back. So the portal asks first, with a short timeout, and keeps
the answer a little while so that a busy minute costs one request, not one
per citizen.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import requests

from app import clock

PROBE_TIMEOUT_SECONDS = 2.0
# A provider that answered is believed up for a while; one that did not is
# asked again soon, so that sign-in comes back quickly after an outage.
REMEMBER_UP = timedelta(seconds=10)
REMEMBER_DOWN = timedelta(seconds=5)


class ReachabilityCheck:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at: datetime | None = None
        self._up = False

    def answers(self, url: str) -> bool:
        """Whether ``url`` answers an HTTP request (any status below 500)."""
        now = clock.now()
        with self._lock:
            if self._checked_at is not None:
                remember = REMEMBER_UP if self._up else REMEMBER_DOWN
                if now - self._checked_at < remember:
                    return self._up
        up = self._probe(url)
        with self._lock:
            self._checked_at, self._up = clock.now(), up
        return up

    @staticmethod
    def _probe(url: str) -> bool:
        try:
            # Without parameters the authorization endpoint answers with an
            # error page: that is an answer. A gateway's 502/503/504 is not.
            response = requests.get(url, timeout=PROBE_TIMEOUT_SECONDS, allow_redirects=False)
        except requests.RequestException:
            return False
        response.close()
        return response.status_code < 500
