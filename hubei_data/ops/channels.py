"""Where alerts and reminders go: e-mail over SMTP, and a webhook shaped for WeCom and DingTalk robots.

A channel either delivers a message or raises `DeliveryError` with the reason; retrying is the
outbox's job, so a channel never waits long (every network step has a timeout).
"""

import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx

TIMEOUT_SECONDS = 10
SMTP_VARIABLES = ("HUBEI_DATA_SMTP_HOST", "HUBEI_DATA_SMTP_PORT", "HUBEI_DATA_SMTP_USER",
                  "HUBEI_DATA_SMTP_PASSWORD", "HUBEI_DATA_SMTP_FROM", "HUBEI_DATA_SMTP_TLS")


class DeliveryError(Exception):
    """The message did not reach the channel; the message says why, in one line."""


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


@dataclass(frozen=True)
class Smtp:
    """An SMTP relay; `tls` is "starttls", "ssl" or "none" (a relay inside the government network)."""

    host: str
    port: int = 25
    sender: str = "hubei_data@localhost"
    user: str | None = None
    password: str | None = None
    tls: str = "none"

    @classmethod
    def from_environment(cls) -> "Smtp | None":
        """The relay HUBEI_DATA_SMTP_* name, or None when no host is set."""
        host = os.environ.get("HUBEI_DATA_SMTP_HOST")
        if not host:
            return None
        port = os.environ.get("HUBEI_DATA_SMTP_PORT", "25")
        tls = os.environ.get("HUBEI_DATA_SMTP_TLS", "none")
        if not port.isdigit() or tls not in ("starttls", "ssl", "none"):
            raise DeliveryError("HUBEI_DATA_SMTP_PORT must be a number and HUBEI_DATA_SMTP_TLS starttls, ssl or none")
        return cls(host, int(port), os.environ.get("HUBEI_DATA_SMTP_FROM", cls.sender),
                   os.environ.get("HUBEI_DATA_SMTP_USER"), os.environ.get("HUBEI_DATA_SMTP_PASSWORD"), tls)

    def send(self, recipients: list[str], message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, ", ".join(recipients), message.subject
        mail["Date"], mail["Message-ID"] = formatdate(localtime=True), make_msgid(domain="hubei-data")
        mail.set_content(message.body)
        try:
            opener = smtplib.SMTP_SSL if self.tls == "ssl" else smtplib.SMTP
            with opener(self.host, self.port, timeout=TIMEOUT_SECONDS) as server:
                if self.tls == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if self.user:
                    server.login(self.user, self.password or "")
                server.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {error}") from None


def post_webhook(url: str, message: Message) -> None:
    """POST the message as a robot's text message; WeCom and DingTalk answer errcode 0 when they took it."""
    payload = {"msgtype": "text", "text": {"content": f"{message.subject}\n{message.body}"}}
    try:
        answer = httpx.post(url, json=payload, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise DeliveryError(f"webhook: {type(error).__name__}: {error}") from None
    if answer.status_code >= 300:
        raise DeliveryError(f"webhook answered HTTP {answer.status_code}")
    try:
        code = answer.json().get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0
    if code:
        raise DeliveryError(f"webhook refused the message: {json.dumps(answer.json(), ensure_ascii=False)[:200]}")
