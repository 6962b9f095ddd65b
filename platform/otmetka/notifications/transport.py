"""Which transport sends each channel (INT-05): chosen by settings
(`OTMETKA_NOTIFY_EMAIL_TRANSPORT` smtp|log, `OTMETKA_NOTIFY_SMS_TRANSPORT` http|log); the SMS
gateway's address, token and sender name are the region's, edited in its admin."""

from __future__ import annotations

from django.conf import settings

from services.notify import EmailTransport, HttpSmsTransport, LogTransport, Message, Result

from .choices import Channel
from .models import TransportSettings
from .validators import gateway_url_problems


class _RefusedGateway:
    """A gateway whose URL no longer passes the residency check (e.g. the allowlist changed):
    nothing is sent there."""

    name = "refused"

    def send(self, message: Message) -> Result:
        return Result(ok=False, error="sms gateway refused by the residency check")


def transport_for(channel: str):
    if channel == Channel.EMAIL:
        if settings.NOTIFY_EMAIL_TRANSPORT == "log":
            return LogTransport()
        return EmailTransport(
            host=settings.EMAIL_HOST,
            port=settings.EMAIL_PORT,
            username=settings.EMAIL_HOST_USER,
            password=settings.EMAIL_HOST_PASSWORD,
            use_tls=settings.EMAIL_USE_TLS,
            from_email=settings.DEFAULT_FROM_EMAIL,
            timeout=settings.EMAIL_TIMEOUT,
        )
    if settings.NOTIFY_SMS_TRANSPORT == "log":
        return LogTransport()
    config = TransportSettings.objects.filter(pk=1).first()
    if config is None:
        return HttpSmsTransport(url="")
    if gateway_url_problems(config.sms_gateway_url):
        return _RefusedGateway()
    return HttpSmsTransport(
        url=config.sms_gateway_url,
        token=config.sms_gateway_token,
        sender=config.sms_sender,
        timeout=settings.NOTIFY_HTTP_TIMEOUT,
    )
