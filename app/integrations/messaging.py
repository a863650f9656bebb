"""Which SMS and email adapters this deployment uses (SMS_BACKEND, EMAIL_BACKEND)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.integrations.mail import LogMail, SmtpMail
from app.integrations.sms import HttpSms, LogSms
from app.ports import Sender


def senders_from_config(config: Mapping[str, Any]) -> dict[str, Sender]:
    sms: Sender
    if config["SMS_BACKEND"] == "http":
        sms = HttpSms(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_TOKEN"])
    else:
        sms = LogSms()
    email: Sender
    if config["EMAIL_BACKEND"] == "smtp":
        email = SmtpMail(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["MAIL_FROM"],
            username=config["SMTP_USERNAME"],
            password=config["SMTP_PASSWORD"],
            starttls=config["SMTP_STARTTLS"],
        )
    else:
        email = LogMail()
    return {"sms": sms, "email": email}
