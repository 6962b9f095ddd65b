"""The one beat schedule. Interval jobs expire, so a backlog never piles up."""

from datetime import timedelta

BEAT_SCHEDULE = {
    "expire-api-tokens": {
        "task": "accounts.expire_api_tokens_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 30 * 60},
    },
    "close-ended-periods": {  # X-05; hourly so every time zone closes soon after its midnight
        "task": "configuration.periods_auto_close_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 30 * 60},
    },
    "send-event-reminders": {  # TTB-11; hourly so each school's 25th starts soon after midnight
        "task": "events.send_event_reminders_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 30 * 60},
    },
    "send-diary-digests": {  # N-16: each account's 20:00 is served within 15 minutes
        "task": "notifications.send_digests_task",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 10 * 60},
    },
    "release-notifications": {  # SMS held for the quiet hours; rows whose task was lost
        "task": "notifications.release_notifications_task",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
    "expire-notification-outbox": {  # rows hold addresses and phones: kept 90 days
        "task": "notifications.expire_outbox_task",
        "schedule": timedelta(hours=6),
        "options": {"expires": 60 * 60},
    },
    "expire-paper-batches": {  # class batch PDFs hold children's marks: kept a week
        "task": "diary.expire_paper_jobs_task",
        "schedule": timedelta(hours=6),
        "options": {"expires": 60 * 60},
    },
}
