"""The email port.

- ``LogMail`` (development): the message goes to the log, address masked, no text.
- ``SmtpMail``: any SMTP server, with optional STARTTLS and login.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from app.ports import DeliveryFailed

log = logging.getLogger(__name__)


def masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def message_id(reference: str, sender: str) -> str:
    domain = sender.partition("@")[2] or "localhost"
    return f"<{reference}@{domain}>"


class LogMail:
    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        log.info("email to %s (%s characters)", masked(address), len(body))


class SmtpMail:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 15.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        message["Subject"] = subject
        # The same Message-ID on every try: mail systems drop a second copy.
        message["Message-ID"] = message_id(reference, self.sender)
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryFailed("recipient refused", permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"SMTP: {type(error).__name__}") from error
