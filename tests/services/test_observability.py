"""Logs and error reports carry a request id and no personal data."""

import logging

import orjson

from services.observability.logs import JsonFormatter, RequestIdFilter
from services.observability.requestid import request_id_var
from services.observability.sentry import before_send, scrub_text


def test_json_log_line_has_the_request_id():
    token = request_id_var.set("req-12345678")
    try:
        record = logging.makeLogRecord(
            {
                "name": "otmetka",
                "levelname": "INFO",
                "msg": "hello",
                "levelno": 20,
                "school": "school_a",
            }
        )
        RequestIdFilter().filter(record)
        line = orjson.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-12345678"
    assert line["msg"] == "hello" and line["school"] == "school_a"


def test_scrub_masks_emails_phones_and_snils():
    text = "ivanova@mail.ru +7 (914) 123-45-67 123-456-789 01"
    assert scrub_text(text) == "[email] [phone] [snils]"


def test_sentry_event_loses_request_body_cookies_and_user_details():
    event = {
        "request": {
            "data": {"password": "x"},
            "cookies": {"sessionid": "s"},
            "query_string": "q=1",
            "headers": {"Cookie": "a", "User-Agent": "ua"},
        },
        "user": {"id": 5, "email": "a@b.ru", "username": "ivanova"},
        "message": "Пользователь ivanova@mail.ru не найден",
    }
    scrubbed = before_send(event)
    assert "data" not in scrubbed["request"] and "cookies" not in scrubbed["request"]
    assert scrubbed["request"]["headers"] == {"User-Agent": "ua"}
    assert scrubbed["user"] == {"id": 5}
    assert "ivanova@mail.ru" not in scrubbed["message"]
