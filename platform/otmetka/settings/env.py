"""One typed way to read settings from the environment, failing clearly.

Every setting of the project is read through `env`: a missing required value or a value that
does not parse stops the start with a message that names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")
_MISSING = object()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value is not None and value.strip() != "" else None


def _parse(name: str, parse: Callable[[str], T], default: object) -> T:
    raw = _raw(name)
    if raw is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default  # type: ignore[return-value]
    try:
        return parse(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is invalid: {exc}"
        ) from exc


def _bool(raw: str) -> bool:
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError("expected one of true/false/1/0/yes/no/on/off")


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


class Env:
    """Typed accessors: env.str("X", default=...), env.bool, env.int, env.list."""

    def str(self, name: str, default: object = _MISSING) -> str:
        return _parse(name, str, default)

    def bool(self, name: str, default: object = _MISSING) -> bool:
        return _parse(name, _bool, default)

    def int(self, name: str, default: object = _MISSING) -> int:
        return _parse(name, int, default)

    def float(self, name: str, default: object = _MISSING) -> float:
        return _parse(name, float, default)

    def list(self, name: str, default: object = _MISSING) -> list[str]:
        return _parse(name, _list, default)

    def is_set(self, name: str) -> bool:
        return _raw(name) is not None


env = Env()
