"""The region's SMS gateway (INT-05): the data-residency check on its URL (RES-01/02) in the
service and in the region's admin, and what happens when a stored URL no longer passes."""

import pytest
from django.core.exceptions import ValidationError

from otmetka.accounts.roles import RegionRole
from otmetka.audit.context import AuditContext
from otmetka.audit.models import RegionAuditRecord
from otmetka.notifications import services
from otmetka.notifications.models import TransportSettings
from otmetka.notifications.transport import transport_for
from services.notify import LogTransport, Message
from tests.factories import region_client, region_user

pytestmark = pytest.mark.django_db
CTX = AuditContext.system("tests")


def _save(url: str, **kwargs):
    return services.transport_settings_save(ctx=CTX, url=url, sender="Otmetka", **kwargs)


@pytest.mark.parametrize(
    "url",
    [
        "https://sms.example.com/send",
        "https://api.twilio.com/2010-04-01/Messages.json",
        "http://8.8.8.8/sms",
        "ftp://sms.operator.ru/send",
        "sms.operator.ru/send",
    ],
)
def test_a_gateway_outside_the_allowlist_is_refused(url):
    with pytest.raises(ValidationError) as refused:
        _save(url)
    assert "sms_gateway_url" in refused.value.message_dict
    assert not TransportSettings.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["https://sms.operator.ru/send", "https://gosuslugi.xn--p1ai/sms", "http://sms-gateway/send"],
)
def test_a_resident_gateway_is_saved_and_audited_without_its_token(url):
    row = _save(url, token="very-secret-token")
    assert (row.sms_gateway_url, row.sms_gateway_token) == (url, "very-secret-token")
    record = RegionAuditRecord.objects.filter(action="notifications.transport_set").last()
    assert record.new["token_changed"] is True and "very-secret" not in str(record.new)
    # saving again without a token keeps it
    assert _save(url).sms_gateway_token == "very-secret-token"


def test_loopback_only_outside_production(settings):
    assert _save("http://127.0.0.1:9000/sms").sms_gateway_url == "http://127.0.0.1:9000/sms"
    settings.PRODUCTION = True
    for url in ("https://127.0.0.1:9000/sms", "https://localhost/sms"):
        with pytest.raises(ValidationError) as refused:
            _save(url)
        assert "loopback" in str(refused.value.message_dict["sms_gateway_url"])
    with pytest.raises(ValidationError):  # and a token never travels over plain http there
        _save("http://sms.operator.ru/send")
    assert _save("https://sms.operator.ru/send").sms_gateway_url == "https://sms.operator.ru/send"


def test_the_region_admin_edits_the_gateway_with_the_same_check(schools):
    operator = region_user(RegionRole.PLATFORM_OPERATOR)
    client = region_client(operator)
    add = "/admin/notifications/transportsettings/add/"
    form = {"sms_gateway_url": "https://sms.example.com/send", "sms_sender": "Otmetka",
            "sms_gateway_token": "t0ken"}  # fmt: skip
    refused = client.post(add, form)
    assert refused.status_code == 200 and "OTMETKA_RESIDENCY_ALLOWLIST" in refused.content.decode()
    assert not TransportSettings.objects.exists()
    saved = client.post(add, {**form, "sms_gateway_url": "https://sms.operator.ru/send"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    row = TransportSettings.objects.get()
    assert (row.sms_gateway_url, row.sms_gateway_token) == ("https://sms.operator.ru/send", "t0ken")
    change = client.get("/admin/notifications/transportsettings/1/change/")
    assert change.status_code == 200 and "t0ken" not in change.content.decode()
    assert client.get("/admin/notifications/transportsettings/").status_code == 200
    assert client.get("/admin/notifications/notification/").status_code == 200
    # others may not
    ministry = region_client(region_user(RegionRole.MINISTRY_OFFICER))
    assert ministry.get("/admin/notifications/transportsettings/1/change/").status_code == 403


def test_a_stored_gateway_that_no_longer_passes_gets_nothing(settings):
    # given a gateway saved while the allowlist allowed it
    settings.NOTIFY_SMS_TRANSPORT = "http"
    settings.RESIDENCY_ALLOWLIST = [*settings.RESIDENCY_ALLOWLIST, ".example.com"]
    _save("https://sms.example.com/send")
    # when the allowlist no longer does
    settings.RESIDENCY_ALLOWLIST = [".ru"]
    result = transport_for("sms").send(Message(channel="sms", to="+79140000077", text="т"))
    # then nothing is sent there
    assert not result.ok and not result.retry and "residency" in result.error


def test_the_log_transport_records_only_that_something_was_sent(caplog, settings):
    settings.NOTIFY_EMAIL_TRANSPORT = "log"
    transport = transport_for("email")
    assert isinstance(transport, LogTransport)
    with caplog.at_level("INFO", logger="otmetka.notify"):
        result = transport.send(
            Message(channel="email", to="mama@example.ru", subject="Сводка", text="Алексеев 5",
                    reference="17")
        )  # fmt: skip
    assert result.ok and transport.sent == 1
    assert "ref=17" in caplog.text
    for secret in ("mama@example.ru", "Сводка", "Алексеев"):
        assert secret not in caplog.text
