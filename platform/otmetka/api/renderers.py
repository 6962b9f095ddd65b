"""JSON for read-heavy endpoints (the journal grid, the diary): plain rows rendered with orjson
(ARCHITECTURE §9). Dates as ISO strings, decimals and times as strings."""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS)
