"""Benchmark: issuing a certificate, and fetching an issued one.

In one process, on a scratch PostgreSQL database with the demo people. Each
round, youssef declares a change of spending, which supersedes his score
certificate, and a new one is issued. Medians, and ratios measured in the
same run:
- issue: the whole use case (facts, HTML, render, sign, SHA-256, store, audit);
- html / render / sign: the same certificate's steps, timed alone (render is
  WeasyPrint alone, the floor; sign fills the signature slot of a PDF
  rendered with one);
- fetch: what a download does (the access check and the stored bytes, in one
  query), which never renders again.

    .venv/bin/python bench/certificates.py [--rounds 40] [--database NAME]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import database_url, flask, recreate_database

DATABASE = "rsu_bench_certificates"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--database", default=DATABASE, help="scratch database (dropped and recreated)"
    )
    args = parser.parse_args()

    url = database_url(args.database)
    recreate_database(args.database)
    flask(["db", "upgrade"], url, capture_output=True)
    flask(["demo", "seed"], url, capture_output=True)

    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.integrations.pdf import renderer
    from app.integrations.signing import signer_from_files
    from app.models import Household, Person
    from app.services import certificates
    from app.services import household_life as life
    from app.services.actors import Actor
    from app.web.certificate_pdf import certificate_html, print_certificate

    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    timings: dict[str, list[float]] = {
        "issue": [],
        "html": [],
        "render": [],
        "sign": [],
        "fetch": [],
    }

    def timed(name: str, work):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = work()
        timings[name].append(time.perf_counter() - start)
        return result

    with app.test_request_context("/"):
        session = db.session
        household = session.scalar(select(Household).order_by(Household.id))
        assert household is not None
        declarant = session.get(Person, household.declarant_id)
        assert declarant is not None
        actor = Actor.system()
        signer = signer_from_files(app.config["SIGNING_KEY_FILE"], app.config["SIGNING_CERT_FILE"])
        certificates.issue(session, household, "score", actor, print_certificate)  # warm-up
        for round_number in range(args.rounds):
            spending = {"electricity_bill": str(200 + round_number), "water_bill": "70",
                        "telecom": "100", "butane_bottles": "3"}  # fmt: skip
            change = life.ChangeForm(
                "spending", household.version_number, f"bench-{round_number}", spending
            )
            life.declare_change(session, declarant.id, actor, change)
            session.refresh(household)
            certificate = timed(
                "issue",
                lambda: certificates.issue(session, household, "score", actor, print_certificate),
            )
            html, title = timed("html", lambda: certificate_html(certificate))  # noqa: B023
            timed("render", lambda: renderer().render(html, title=title, language="ar-MA"))  # noqa: B023
            # The floor above renders without a signature slot; the PDF that
            # is signed here is rendered again with one, untimed.
            slot = signer.slot(reason="bench", location="Rabat")
            slotted = renderer().render(html, title=title, language="ar-MA", finisher=slot.reserve)
            timed("sign", lambda: slot.fill(slotted))  # noqa: B023
            session.expire_all()
            fetched = timed(
                "fetch",
                lambda: (
                    certificates.download_for_person(
                        session,
                        declarant.id,
                        certificate.number,  # noqa: B023
                    ).content
                ),
            )
            assert fetched == certificate.content

    median = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    print(f"{args.rounds} certificates issued, each after a declared change")
    for name, value in median.items():
        print(f"  {name:<7} median {value:8.1f} ms")
    steps = median["html"] + median["render"] + median["sign"]
    print(
        f"issue / render (WeasyPrint alone: the floor) = {median['issue'] / median['render']:.2f}"
    )
    print(f"issue / (html + render + sign) = {median['issue'] / steps:.2f}")
    print(f"issue / fetch = {median['issue'] / median['fetch']:.0f} (a download never renders)")


if __name__ == "__main__":
    main()
