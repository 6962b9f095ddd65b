from celery import shared_task

from .services import api_tokens_expire


@shared_task(name="accounts.expire_api_tokens_task")
def expire_api_tokens_task() -> int:
    return api_tokens_expire()
