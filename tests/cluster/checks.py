"""What the cluster test asserts, each check recorded with its figures, and
the summary printed at the end."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import psycopg

from tests.cluster.citizens import Citizen, Sent
from tests.cluster.sms_gateway import RecordingGateway


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[bool, str, str]] = []
        self.figures: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(passed for passed, _, _ in self.results)

    def check(self, passed: bool, name: str, detail: str = "") -> None:
        self.results.append((passed, name, detail))

    def failed(self, name: str, detail: str) -> None:
        self.check(False, name, detail)

    def metrics_not_public(self, status: int) -> None:
        self.check(
            status in (403, 404), "/metrics is refused at the balancer", f"answered {status}"
        )

    def scrape(self, result: dict[str, Any]) -> None:
        self.figures["metrics"] = (
            f"Prometheus targets {result['health']}; sum(rsu_http_requests_total) = {result['requests']:.0f}"
        )
        up = bool(result["health"]) and all(h == "up" for h in result["health"].values())
        self.check(up and result["requests"] > 0, "Prometheus scrapes both nodes' /metrics",
                   "; ".join(result["errors"])[:300])  # fmt: skip

    def metrics_refused_to_others(self, status: str) -> None:
        self.check(
            status == "404",
            "a node refuses /metrics to the balancer's address",
            f"answered {status}",
        )

    def load(self, log: list[Sent], killed_at: float, kill_done: float, balancer_log: str) -> None:
        failures = [(i, s) for i, s in enumerate(log) if s.failed]
        # The balancer's log line of each request: node and status, by request id.
        lines = re.findall(r"portal_nodes/(\S+) \S+ (-?\d+) .* ([0-9a-f-]{36}) ", balancer_log)
        ours = {s.request_id for s in log}
        servers = {rid: server for server, _status, rid in lines if rid in ours}
        in_flight = [s for _, s in failures if s.started <= kill_done and s.ended >= killed_at]
        # Answers the balancer made itself (502) may not carry the id: its log
        # then says which node each 5xx came from.
        on_killed = [
            s for _, s in failures if s.request_id is None or servers.get(s.request_id) == "node1"
        ]
        errors_by_node = Counter(server for server, status, rid in lines
                                 if rid in ours and (status == "-1" or status.startswith("5")))  # fmt: skip
        retried: dict[int | None, Sent] = {s.retry_of: s for s in log if s.retry_of is not None}

        def recovered(index: int) -> bool:
            for _ in range(10):
                retry = retried.get(index)
                if retry is None:
                    return False
                if not retry.failed:
                    return True
                index = log.index(retry)
            return False

        first_failures = [(i, s) for i, s in failures if s.retry_of is None]
        served = Counter(servers.values())
        self.figures["requests"] = (
            f"{len(log)} sent through the balancer, {len(failures)} failed "
            f"({len(in_flight)} in flight at the kill, {len(on_killed)} on the killed node); "
            f"{sum(recovered(i) for i, _ in first_failures)} of {len(first_failures)} failed requests "
            f"succeeded when sent again; served by node1 {served['node1']}, node2 {served['node2']}"
        )

        def described(s: Sent) -> str:
            return (f"citizen {s.citizen} {s.method} {s.path} {s.status} from "
                    f"{s.started - killed_at:+.3f} s to {s.ended - killed_at:+.3f} s of the kill "
                    f"(its last process gone at {kill_done - killed_at:+.3f} s) {s.error}")  # fmt: skip

        self.figures["failures"] = "; ".join(described(s) for _, s in failures) or "none"
        self.check(len(in_flight) == len(failures), "only requests in flight at the kill failed",
                   "; ".join(described(s) for _, s in failures if s not in in_flight))  # fmt: skip
        self.check(
            len(on_killed) == len(failures) and set(errors_by_node) <= {"node1"},
            "every failed request was on the killed node",
            f"5xx in the balancer's log: {dict(errors_by_node)}",
        )
        self.check(
            all(recovered(i) for i, _ in first_failures),
            "every failed request succeeded when sent again",
        )
        self.check(
            served["node1"] > 0 and served["node2"] > 0,
            "both nodes served the load",
            str(dict(served)),
        )

    def citizens_saw_what_they_expected(self, citizens: list[Citizen]) -> None:
        unexpected = [f"citizen {c.number}: {u}" for c in citizens for u in c.outcome.unexpected]
        self.check(not unexpected, "every answer was the expected one", "; ".join(unexpected[:5]))

    def sessions_survived(self, after_kill: list[Sent], direct: list[int]) -> None:
        citizens = {s.citizen for s in after_kill}
        self.figures["sessions"] = (
            f"{len(after_kill)} signed-in requests answered after the kill, from {len(citizens)} citizens; "
            f"each session then read on each node directly: {Counter(direct)}"
        )
        self.check(
            all(status == 200 for status in direct) and bool(after_kill),
            "sessions survived the node's loss",
        )

    def document_across_nodes(self, filed: int, downloaded: int, same: bool) -> None:
        self.figures["document"] = (
            f"filed on node1: {filed}; downloaded from node2: {downloaded}, same bytes: {same}"
        )
        self.check(
            filed == 302 and downloaded == 200 and same,
            "a document uploaded through node1 downloads through node2",
        )

    def rescoring(self, r: dict[str, Any]) -> None:
        self.figures["rescoring"] = (
            f"{r['active']} active households; {r['scores']} scores from the new model for "
            f"{r['households']} households ({r['versions']} versions), {r['unscored']} left unscored; "
            f"node1's publisher killed with {r['chunks_left_at_kill']} of {r['planned']} chunks left; "
            f"node2's exited {r['survivor_exit']}"
        )
        self.check(
            r["survivor_exit"] == 0, "the surviving publisher finished", r["survivor_output"]
        )
        self.check(r["chunks_left_at_kill"] > 0, "the kill came before the end of the rescoring")
        self.check(r["scores"] == r["households"] == r["versions"] == r["active"] and r["unscored"] == 0,
                   "every household rescored exactly once")  # fmt: skip

    def outbox(self, url: str, gateway: RecordingGateway, worker_logs: list[str]) -> None:
        """Each SMS marked sent was delivered once, message by message, by its reference.

        node1's worker is killed with its node: a message it had handed over
        but not yet marked sent is sent again by a worker under the same
        reference, and the gateway keeps the first (``sms_gateway``). Those
        are counted as handed over again, never as delivered twice.
        """
        with psycopg.connect(url) as conn:
            sent_sms = {f"rsu-outbox-{row[0]}" for row in conn.execute(
                "SELECT id FROM outbox_messages WHERE status = 'sent' AND channel = 'sms'")}  # fmt: skip
            sent_all, retried = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE attempts > 1)"
                " FROM outbox_messages WHERE status = 'sent'"
            ).fetchone()  # type: ignore[misc]
        per_worker = [
            sum(int(n) for n in re.findall(r"^Sent (\d+),", log, re.M)) for log in worker_logs
        ]
        delivered = gateway.delivered
        again = sum(count - 1 for count in gateway.handed.values())
        numbered = [
            m for _, text in delivered.values() for m in re.findall(r"REV-\d{4}-\d{6}", text)
        ]
        twice = [n for n, c in Counter(numbered).items() if c > 1]
        self.figures["messages"] = (
            f"{len(delivered)} SMS delivered by the gateway, {len(sent_sms)} SMS marked sent, "
            f"{again} handed over again after the kill (taken once by reference), {retried} sent after a retry; "
            f"workers report sending {per_worker[0]} and {per_worker[1]} messages "
            f"(SMS and email; {sent_all} marked sent, counting the killed worker's last round)"
        )
        self.check(set(delivered) == sent_sms and not twice and gateway.refused == 0,
                   "each SMS delivered exactly once, message by message",
                   f"reviews announced twice: {twice}" if twice else
                   f"delivered but not marked sent: {sorted(set(delivered) - sent_sms)[:5]}, "
                   f"marked sent but not delivered: {sorted(sent_sms - set(delivered))[:5]}")  # fmt: skip
        # A worker killed mid-round never prints that round's count: at most the rows marked sent.
        self.check(
            sum(per_worker) <= sent_all and min(per_worker) > 0,
            "both outbox workers delivered",
        )

    def register(self, url: str, citizens: list[Citizen], first_versions: list[int]) -> None:
        problems = []
        with psycopg.connect(url) as conn:
            for citizen, first in zip(citizens, first_versions, strict=True):
                _household, number, versions, reviews, documents = conn.execute(
                    "SELECT h.id, h.version_number,"
                    " (SELECT count(*) FROM household_versions v WHERE v.household_id = h.id),"
                    " (SELECT count(*) FROM review_requests r WHERE r.household_id = h.id),"
                    " (SELECT count(*) FROM review_documents d JOIN review_requests r ON r.id = d.review_id"
                    "  WHERE r.household_id = h.id)"
                    " FROM households h JOIN accounts a ON a.person_id = h.declarant_id WHERE a.subject = %s",
                    (f"citizen-{citizen.number}",),
                ).fetchone()  # type: ignore[misc]
                made = len(citizen.outcome.versions)
                if number != first + made or versions != number:
                    problems.append(
                        f"citizen {citizen.number}: version {number} of {versions},"
                        f" expected {first} + {made}"
                    )
                if len(citizen.outcome.reviews) != reviews or documents != reviews:
                    problems.append(
                        f"citizen {citizen.number}: {reviews} reviews, {documents} documents"
                    )
            twins = conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM certificates GROUP BY household_id, kind, version_number"
                " HAVING count(*) > 1) t"
            ).fetchone()[0]  # type: ignore[index]
            rows, contents = conn.execute(
                "SELECT (SELECT count(*) FROM review_documents), (SELECT count(*) FROM document_contents)"
            ).fetchone()  # type: ignore[misc]
            certificates = conn.execute("SELECT count(*) FROM certificates").fetchone()[0]  # type: ignore[index]
        versions_made = sum(len(c.outcome.versions) for c in citizens)
        self.figures["register"] = (
            f"{versions_made} changes declared, {sum(len(c.outcome.reviews) for c in citizens)} reviews filed, "
            f"{sum(c.outcome.certificates for c in citizens)} certificate requests answered, {certificates} certificates; "
            f"{rows} documents, {contents} documents' bytes in the database"
        )
        self.check(not problems and twins == 0 and rows == contents,
                   "nothing lost or duplicated (versions, reviews, documents, certificates)",
                   "; ".join(problems[:5]) + (f"; {twins} certificates twice" if twins else ""))  # fmt: skip

    def integrity(self, returncode: int, output: str) -> None:
        # The command's verdict, without the warnings logged before it.
        verdicts = [
            line for line in output.splitlines() if "Every invariant" in line or "Broken" in line
        ]
        self.figures["integrity"] = verdicts[-1] if verdicts else f"exit {returncode}"
        self.check(returncode == 0, "flask integrity check passes", output[-300:])

    def summary(self, seconds: float) -> None:
        print("\n== cluster test summary ==")
        for name in (
            "requests",
            "failures",
            "sessions",
            "document",
            "messages",
            "rescoring",
            "register",
            "integrity",
            "metrics",
        ):
            if name in self.figures:
                print(f"{name:>10}: {self.figures[name]}")
        for passed, name, detail in self.results:
            print(
                f"  [{'ok' if passed else 'FAILED'}] {name}"
                + (f": {detail}" if detail and not passed else "")
            )
        print(
            f"{'wall time':>10}: {seconds:.0f} s; {'PASSED' if self.ok else 'FAILED'}", flush=True
        )
