"""/metrics: Prometheus' text format, for the operators' network only, with
figures that move when requests, logins and submissions happen."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import ConfigError, networks, settings_from_env
from app.models import OutboxMessage
from tests.conftest import make_test_app
from tests.support.login import login_as
from tests.support.pages import CheckingClient
from tests.support.reviews import PDF, file_review
from tests.support.tcp_proxy import relay_to

OUTSIDER = "203.0.113.7"  # TEST-NET-3: not loopback


def scrape(client: CheckingClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return float(samples.get((name, tuple(sorted(labels.items()))), 0.0))


def test_metrics_are_a_404_outside_the_operators_network(
    client: CheckingClient, demo: None
) -> None:
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": OUTSIDER})
    assert outside.status_code == 404
    assert b"rsu_http_requests" not in outside.data
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1


def test_x_forwarded_for_cannot_open_metrics(
    database_url: str, oidc_provider: str, db: Session
) -> None:
    """Behind one proxy, ProxyFix believes X-Forwarded-For for everything else;
    /metrics looks at the connection's own address only."""
    app = make_test_app(
        database_url,
        oidc_provider,
        PROXY_COUNT=1,
        METRICS_ALLOWED_NETWORKS=networks("METRICS_ALLOWED_NETWORKS", "192.0.2.0/24"),
    )
    client = app.test_client()
    spoofed = client.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": OUTSIDER},
        headers={"X-Forwarded-For": "192.0.2.10"},
    )
    assert spoofed.status_code == 404
    # The other way round: an allowed connection stays allowed whatever the header says.
    allowed = client.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
        headers={"X-Forwarded-For": OUTSIDER},
    )
    assert allowed.status_code == 200
    # Loopback is not allowed by this setting any more.
    assert client.get("/metrics").status_code == 404


def test_a_scrape_by_the_nodes_address_is_answered_where_hosts_are_checked(
    database_url: str, oidc_provider: str, db: Session
) -> None:
    """Production answers only its public host; Prometheus names the node by
    its address. /metrics alone is served whatever the Host (it builds no link)."""
    app = make_test_app(
        database_url,
        oidc_provider,
        TRUSTED_HOSTS=["portal.example.org"],
        METRICS_ALLOWED_NETWORKS=networks("METRICS_ALLOWED_NETWORKS", "192.0.2.0/24"),
    )
    client = app.test_client()
    scrape = {"environ_base": {"REMOTE_ADDR": "192.0.2.10"}, "headers": {"Host": "10.0.0.11:8000"}}
    assert client.get("/metrics", **scrape).status_code == 200  # type: ignore[arg-type]
    assert client.get("/healthz", **scrape).status_code == 400  # type: ignore[arg-type]
    outsider = {"environ_base": {"REMOTE_ADDR": OUTSIDER}, "headers": {"Host": "10.0.0.11:8000"}}
    assert client.get("/metrics", **outsider).status_code == 404  # type: ignore[arg-type]


def test_a_bad_network_setting_stops_the_start() -> None:
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_NETWORKS"):
        settings_from_env({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8,not-a-network"})


def test_requests_are_counted_by_route_never_by_path(client: CheckingClient, demo: None) -> None:
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/verify/12345678901234567890")  # a number in the path
    client.get("/no/such/page")
    after = scrape(client)
    healthz = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(after, "rsu_http_requests_total", **healthz) == (
        value(before, "rsu_http_requests_total", **healthz) + 3
    )
    count = "rsu_http_request_duration_seconds_count"
    assert value(after, count, route="/healthz") == value(before, count, route="/healthz") + 3
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, "rsu_http_requests_total", **unmatched) == (
        value(before, "rsu_http_requests_total", **unmatched) + 1
    )
    routes = {dict(labels).get("route") for _, labels in after}
    assert not any("12345678901234567890" in str(route) for route in routes)
    assert any(str(route).startswith("/verify/<") for route in routes)


def test_logins_are_counted_by_outcome_and_reason(client: CheckingClient, demo: None) -> None:
    before = scrape(client)
    login_as(client, "youssef")
    client.delete_cookie("rsu_session")
    refused = client.get("/auth/callback?state=forged&code=forged")
    assert refused.status_code == 400
    after = scrape(client)
    success = {"outcome": "success", "reason": ""}
    assert value(after, "rsu_logins_total", **success) == (
        value(before, "rsu_logins_total", **success) + 1
    )
    refusals = {
        labels: count
        for (name, labels), count in after.items()
        if name == "rsu_logins_total" and dict(labels)["outcome"] == "refused"
    }
    moved = [
        dict(labels)["reason"]
        for labels, count in refusals.items()
        if count > value(before, "rsu_logins_total", **dict(labels))
    ]
    assert moved == ["unknown_state"]


def test_a_review_filed_moves_submissions_and_the_outbox_backlog(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    before = scrape(client)
    assert file_review(client, [("quittance.pdf", PDF)]).status_code == 302
    after = scrape(client)
    review = {"kind": "review", "channel": "online"}
    assert value(after, "rsu_submissions_total", **review) == (
        value(before, "rsu_submissions_total", **review) + 1
    )
    queued = db.scalars(select(OutboxMessage.channel).where(OutboxMessage.status == "pending"))
    sms = sum(1 for channel in queued if channel == "sms")
    assert sms >= 1
    assert value(after, "rsu_outbox_backlog", channel="sms") == sms
    assert value(before, "rsu_outbox_backlog", channel="sms") < sms


def test_failed_messages_and_rescoring_progress_come_from_the_database(
    client: CheckingClient, demo: None, db: Session
) -> None:
    from app.domain.scoring import parse_model
    from app.services.actors import Actor
    from app.services.rescoring import publish_model
    from app.services.scoring import DEFAULT_MODEL_FILE

    samples = scrape(client)
    assert value(samples, "rsu_outbox_failed", channel="sms") == 0
    message = db.scalars(select(OutboxMessage)).first()
    if message is None:  # the demo queues nothing: queue one to give up on
        from app.models import Person
        from app.services.outbox import notify

        person = db.scalars(select(Person)).first()
        assert person is not None
        notify(db, "review_filed", person, household_id=None, payload={}, channels=("sms",))
        db.commit()
        message = db.scalars(select(OutboxMessage)).one()
    message.status = "failed"
    db.commit()
    assert value(scrape(client), "rsu_outbox_failed", channel=message.channel) == 1

    model_text = DEFAULT_MODEL_FILE.read_text().replace(
        'id = "pmt-2026-01-illustrative"', 'id = "pmt-metrics-test"', 1
    )
    publish_model(db, parse_model(model_text, "pmt-metrics-test.toml"), Actor.system(), workers=1)
    progress = scrape(client)
    model = {"model": "pmt-metrics-test"}
    planned = value(progress, "rsu_rescoring_chunks_planned", **model)
    assert planned >= 1
    assert value(progress, "rsu_rescoring_chunks_done", **model) == planned
    assert value(progress, "rsu_rescoring_households_done", **model) >= 1
    assert value(progress, "rsu_rescoring_running", **model) == 0


def test_metrics_answer_while_the_database_is_away(
    database_url: str, oidc_provider: str, db: Session
) -> None:
    """Without the database's figures, but with the requests and their 503s."""
    url = make_url(database_url)
    with relay_to(url.host or "127.0.0.1", url.port or 5432) as relay:
        through = url.set(host="127.0.0.1", port=relay.port)
        app = make_test_app(through.render_as_string(hide_password=False), oidc_provider)
        client = app.test_client()
        assert value(scrape(client), "rsu_database_figures_up") == 1
        relay.stop()
        before = scrape(client)
        assert value(before, "rsu_database_figures_up") == 0
        assert ("rsu_outbox_backlog", (("channel", "sms"),)) not in before
        assert client.get("/").status_code == 503
        home = {"method": "GET", "route": "/", "status": "503"}
        after = scrape(client)
        assert value(after, "rsu_http_requests_total", **home) == (
            value(before, "rsu_http_requests_total", **home) + 1
        )
        relay.start()
        assert value(scrape(client), "rsu_database_figures_up") == 1
        app.extensions["rsu_db"].kw["bind"].dispose()


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool (Debian's prometheus) absent"
)
def test_prometheus_own_linter_accepts_the_exposition(client: CheckingClient, demo: None) -> None:
    """Names, types, help texts and units as Prometheus wants them."""
    client.get("/healthz")
    body = client.get("/metrics").get_data()
    checked = subprocess.run(
        ["promtool", "check", "metrics"], input=body, capture_output=True, timeout=30, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == b""
