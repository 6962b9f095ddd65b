"""Django's PostgreSQL backend with a cheaper connection health check.

With `CONN_HEALTH_CHECKS` Django runs `SELECT 1` before the first query of every request on a
persistent connection, so that a connection the server has dropped (a restart, an idle timeout)
is replaced instead of failing the request. Under load that is one round trip in four of the
diary's week. Here the check is skipped when the connection ran a query less than
`HEALTH_CHECK_AFTER_IDLE` seconds ago: a connection that busy has not been dropped by an idle
timeout, and if the server restarted in those seconds, the request fails as it would during the
restart, Django sees the error and closes the connection at the end of the request
(`close_if_unusable_or_obsolete`), and the next request gets a new one.

django-tenants wraps this class (settings: `ORIGINAL_BACKEND = "otmetka.database"`).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = float("-inf")

    def create_cursor(self, name=None):
        self._used_at = time.monotonic()
        return super().create_cursor(name)

    def close_if_health_check_failed(self):
        idle = getattr(settings, "OTMETKA_DB_HEALTH_CHECK_AFTER_IDLE", 5.0)
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and time.monotonic() - self._used_at < idle
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
