"""Signed-in citizens driving the portal through the balancer, as browsers would.

Each citizen is one thread with its own cookie and connection. It reads its
pages, declares changes (the form's submission key makes a resent form
harmless), files one review request with a document, and asks for a
certificate. Every request is recorded: when it started and ended, its
answer, and the request id the balancer gave it. A request that fails is
sent again as it was (same form, same key), as a citizen would press the
button again; the retry must succeed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from bs4 import BeautifulSoup
from requests.adapters import HTTPAdapter

RETRIES = 3


class PinnedHost(HTTPAdapter):
    """TLS to an address, checked against the public host name (no DNS here)."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["server_hostname"] = self.host
        kwargs["assert_hostname"] = self.host
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Sent:
    citizen: int
    method: str
    path: str
    started: float
    ended: float
    status: int  # 0: no answer at all (connection cut)
    request_id: str | None
    retry_of: int | None = None  # index of the failed request this one repeats
    error: str = ""  # why no answer came

    @property
    def failed(self) -> bool:
        return self.status == 0 or self.status >= 500


@dataclass
class Outcome:
    """What one citizen's requests achieved, as the citizen saw it."""

    versions: set[str] = field(default_factory=set)  # the pages changes redirected to
    reviews: set[str] = field(default_factory=set)
    certificates: int = 0
    unexpected: list[str] = field(default_factory=list)


class Citizen:
    def __init__(self, number: int, cookie: str, base_url: str, host: str, ca_file: str,
                 log: list[Sent], log_lock: threading.Lock) -> None:  # fmt: skip
        self.number = number
        self.base_url = base_url
        self.http = requests.Session()
        self.http.mount("https://", PinnedHost(host))
        # Given with each request: a Session's own ``verify`` is not passed
        # down to a pool whose TLS settings this adapter made.
        self.ca_file = ca_file
        # The session cookie is Secure and host-only: sent as a browser would.
        self.http.headers.update({"Host": host, "Referer": f"https://{host}/",
                                  "Cookie": f"rsu_session={cookie}"})  # fmt: skip
        self.log = log
        self.log_lock = log_lock
        self.outcome = Outcome()

    def _once(
        self, method: str, path: str, retry_of: int | None, **kwargs: Any
    ) -> tuple[int, requests.Response | None]:
        started = time.time()
        try:
            answer: requests.Response | None = self.http.request(
                method,
                self.base_url + path,
                allow_redirects=False,
                timeout=20,
                verify=self.ca_file,
                **kwargs,
            )
        except requests.RequestException as failure:
            answer, error = None, f"{type(failure).__name__}: {failure}"[:200]
        else:
            error = ""
        sent = Sent(self.number, method, path, started, time.time(),
                    answer.status_code if answer is not None else 0,
                    answer.headers.get("X-Request-ID") if answer is not None else None, retry_of, error)  # fmt: skip
        with self.log_lock:
            self.log.append(sent)
            return len(self.log) - 1, answer

    def get_once(self, path: str) -> requests.Response:
        return self.http.get(
            self.base_url + path, timeout=5, verify=self.ca_file, allow_redirects=False
        )

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Sent again while it fails, at most RETRIES times."""
        index, answer = self._once(method, path, None, **kwargs)
        for _ in range(RETRIES):
            if answer is not None and answer.status_code < 500:
                break
            time.sleep(0.3)
            index, answer = self._once(method, path, index, **kwargs)
        if answer is None:
            raise RuntimeError(f"{method} {path}: no answer after {RETRIES} retries")
        return answer

    def expect(self, answer: requests.Response, status: int, what: str) -> bool:
        if answer.status_code != status:
            self.outcome.unexpected.append(f"{what}: {answer.status_code}")
            return False
        return True

    def hidden_fields(self, path: str, form_selector: str) -> dict[str, str]:
        page = BeautifulSoup(self.request("GET", path).text, "html.parser")
        form = page.select_one(form_selector)
        if form is None:
            return {}
        return {
            str(i["name"]): str(i.get("value", ""))
            for i in form.select("input[type=hidden]")
            if i.get("name")
        }

    def read_pages(self) -> None:
        for path in ("/me", "/household", "/score"):
            self.expect(self.request("GET", path), 200, f"GET {path}")

    def declare_spending(self, turn: int) -> None:
        fields = self.hidden_fields("/household/changes/spending", "form#section-form")
        answers = {"electricity_bill": str(200 + turn), "water_bill": "70", "telecom": "100",
                   "butane_bottles": "3", "continue": "1"}  # fmt: skip
        answer = self.request("POST", "/household/changes/spending", data={**fields, **answers})
        if self.expect(answer, 302, "spending change"):
            self.outcome.versions.add(answer.headers["Location"])

    def file_review(self, document: bytes) -> None:
        fields = self.hidden_fields("/reviews/new", "form[enctype='multipart/form-data']")
        data = {**fields, "reason": "declaration_error",
                "explanation": "Nous avons déclaré un loyer de 900 DH, il est de 600 DH."}  # fmt: skip
        files = [("documents", ("quittance.pdf", document, "application/pdf"))]
        answer = self.request("POST", "/reviews/new", data=data, files=files)
        if self.expect(answer, 302, "review"):
            self.outcome.reviews.add(answer.headers["Location"].rsplit("/", 1)[-1])

    def ask_certificate(self) -> None:
        page = BeautifulSoup(self.request("GET", "/certificates").text, "html.parser")
        kind = page.select_one("input[name=kind]")
        token = page.select_one("input[name=csrf_token]")
        if kind is None or token is None:
            self.outcome.unexpected.append("no certificate to issue")
            return
        data = {"csrf_token": str(token["value"]), "kind": str(kind["value"])}
        if self.expect(self.request("POST", "/certificates/issue", data=data), 302, "certificate"):
            self.outcome.certificates += 1

    def run(self, turns: int, until: float, document: bytes) -> None:
        """``turns`` rounds at most, none started after ``until``."""
        for turn in range(turns):
            if time.time() > until:
                break
            self.read_pages()
            self.declare_spending(turn)
            if turn == 1:
                self.file_review(document)
            if turn % 3 == 2:
                self.ask_certificate()
