"""Pluggable transports for e-mail and SMS (INT-05): a region may send through its own SMTP
relay and SMS gateway, or through its portal's central transport, by configuration only.

The interface is one method: `transport.send(message) -> Result`. A transport never raises for
a delivery problem; it answers `Result(ok=False, retry=...)`, with an error text that names the
kind of failure and never the recipient or the content (personal data stays out of logs and
of the outbox's `last_error`).

- `EmailTransport`: SMTP through Django's SMTP e-mail backend (host, port, user, password, TLS).
- `HttpSmsTransport`: an HTTP gateway, `POST` of JSON `{"to", "text", "sender", "reference"}`
  with `Authorization: Bearer <token>`; 2xx is sent, 5xx, 429 and network errors are retried,
  other 4xx are final.
- `LogTransport`: development; records only that a message of a channel was sent.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("otmetka.notify")

EMAIL = "email"
SMS = "sms"


@dataclass(frozen=True)
class Message:
    channel: str  # "email" or "sms"
    to: str
    text: str
    subject: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    reference: str = ""  # the outbox row's id: what logs and gateways may name


@dataclass(frozen=True)
class Result:
    ok: bool
    retry: bool = False  # a temporary failure: try again later
    error: str = ""  # the kind of failure, never an address or content
    provider_id: str = ""


class Transport(Protocol):
    name: str

    def send(self, message: Message) -> Result: ...


class LogTransport:
    """Development: nothing leaves the machine; the log says that a message was sent."""

    name = "log"

    def __init__(self) -> None:
        self.sent = 0

    def send(self, message: Message) -> Result:
        self.sent += 1
        log.info("notification sent (log transport): %s ref=%s", message.channel, message.reference)
        return Result(ok=True, provider_id=f"log-{message.reference}")


class EmailTransport:
    """SMTP through Django's SMTP backend, with the connection parameters given explicitly (not
    EMAIL_BACKEND, which tests and development may point elsewhere)."""

    name = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        from_email: str,
        timeout: float = 10,
    ) -> None:
        self.host, self.port, self.username, self.password = host, port, username, password
        self.use_tls, self.from_email, self.timeout = use_tls, from_email, timeout

    def send(self, message: Message) -> Result:
        from django.core.mail import EmailMultiAlternatives, get_connection

        if not self.host:
            return Result(ok=False, error="e-mail host not configured")
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host=self.host,
            port=self.port,
            username=self.username or None,
            password=self.password or None,
            use_tls=self.use_tls,
            timeout=self.timeout,
            fail_silently=False,
        )
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=self.from_email,
            to=[message.to],
            headers=message.headers,
            connection=connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused:
            return Result(ok=False, error="smtp: recipient refused")
        except smtplib.SMTPResponseException as exc:
            # 4xx is temporary (greylisting, mailbox busy), 5xx is final
            return Result(ok=False, retry=400 <= exc.smtp_code < 500, error=f"smtp {exc.smtp_code}")
        except (smtplib.SMTPException, OSError) as exc:
            return Result(ok=False, retry=True, error=f"smtp: {type(exc).__name__}")
        return Result(ok=True)


class HttpSmsTransport:
    """An SMS gateway over HTTP (the region's operator or its portal's central transport)."""

    name = "http"

    def __init__(self, *, url: str, token: str = "", sender: str = "", timeout: float = 10):
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, message: Message) -> Result:
        if not self.url:
            return Result(ok=False, error="sms gateway not configured")
        body = json.dumps(
            {"to": message.to, "text": message.text, "sender": self.sender,
             "reference": message.reference},
            ensure_ascii=False,
        ).encode()  # fmt: skip
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # the URL is the region's, checked when saved: http(s) only, a host in the RF
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(4096)
        except urllib.error.HTTPError as exc:
            retry = exc.code >= 500 or exc.code in (408, 429)
            return Result(ok=False, retry=retry, error=f"sms gateway http {exc.code}")
        except OSError as exc:  # URLError, timeouts, refused connections
            reason = getattr(exc, "reason", exc)
            return Result(ok=False, retry=True, error=f"sms gateway: {type(reason).__name__}")
        try:
            provider_id = str(json.loads(answer or b"{}").get("id", ""))[:100]
        except (ValueError, AttributeError):
            provider_id = ""
        return Result(ok=True, provider_id=provider_id)
