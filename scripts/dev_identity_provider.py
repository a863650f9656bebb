"""The development identity provider: oidc-provider-mock with the demo people.

Each demo person logs in by typing their subject (amina, youssef, fatima,
karim, agent.salma, agent.youness, supervisor.latifa, reviewer.omar,
reviewer.nadia) on the provider's form, or by clicking it.
Used by `make run`; never in production.
"""

from __future__ import annotations

import argparse

import oidc_provider_mock
from werkzeug.serving import run_simple

from app.demo_people import LOGINS, id_token_claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    users = [
        oidc_provider_mock.User(sub=login.subject, claims=id_token_claims(login))
        for login in LOGINS
    ]
    provider = oidc_provider_mock.app(require_nonce=True, user_claims=users)
    run_simple(args.host, args.port, provider, threaded=True)


if __name__ == "__main__":
    main()
