"""Object storage behind one small interface: an S3-compatible endpoint (boto3) in production,
a local folder when no endpoint is configured.

Keys are plain strings such as ``schools/<schema>/acts/<uuid>.pdf``; callers put every school's
objects under its own prefix. `sniff_type` tells what an upload is before it is stored.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .filetypes import FILE_TYPES, file_extension, sniff_type

logger = logging.getLogger(__name__)

__all__ = [
    "FILE_TYPES",
    "FolderStorage",
    "ObjectStorage",
    "S3Storage",
    "StorageError",
    "file_extension",
    "get_storage",
    "sniff_type",
]


class StorageError(RuntimeError):
    pass


class ObjectStorage(Protocol):
    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def check(self) -> None:
        """Raise StorageError when the storage cannot be written and read."""


def _safe_key(key: str) -> str:
    parts = [p for p in key.split("/") if p]
    if not parts or any(p in {".", ".."} for p in parts):
        raise StorageError(f"invalid object key {key!r}")
    return "/".join(parts)


class FolderStorage:
    """Objects as files under a folder: the embedded default for development and tests."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _safe_key(key)

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(f"no object {key!r}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def check(self) -> None:
        try:
            self.put(".readyz", b"ok")
            if self.get(".readyz") != b"ok":
                raise StorageError("folder storage returned other bytes than written")
        except OSError as exc:
            raise StorageError(f"folder storage {self.root} is not writable: {exc}") from exc


class S3Storage:
    """An S3-compatible bucket (Yandex Object Storage, VK Cloud, Selectel, MinIO)."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        access_key_id: str,
        secret_access_key: str,
        region: str,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            region_name=region,
            config=Config(
                connect_timeout=3,
                read_timeout=10,
                retries={"max_attempts": 3},
                s3={"addressing_style": "path"},
            ),
        )

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=_safe_key(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=_safe_key(key))["Body"].read()
        except ClientError as exc:
            raise StorageError(f"no object {key!r}: {exc}") from exc

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=_safe_key(key))
        except ClientError:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_safe_key(key))

    def check(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"bucket {self.bucket!r} is not reachable: {exc}") from exc


@functools.cache
def get_storage() -> ObjectStorage:
    """The storage the settings name (S3 when OTMETKA_S3_ENDPOINT_URL is set)."""
    from django.conf import settings

    if settings.S3_ENDPOINT_URL:
        return S3Storage(
            endpoint_url=settings.S3_ENDPOINT_URL,
            bucket=settings.S3_BUCKET,
            access_key_id=settings.S3_ACCESS_KEY_ID,
            secret_access_key=settings.S3_SECRET_ACCESS_KEY,
            region=settings.S3_REGION,
        )
    return FolderStorage(settings.OBJECTS_DIR)


@dataclass(frozen=True)
class StoredUpload:
    key: str
    content_type: str
    size: int
    sha256: str


def upload_store(*, folder: str, name: str, data: bytes, allowed: Iterable[str]) -> StoredUpload:
    """Put an uploaded file under `folder/<random><extension>`, typed by its content. The caller
    has already refused a file whose content is not what its name says (`sniff_type` None)."""
    extension = file_extension(name)
    content_type = sniff_type(name, data, allowed) or "application/octet-stream"
    key = f"{folder}/{uuid.uuid4().hex}{extension}"
    get_storage().put(key, data, content_type)
    return StoredUpload(key, content_type, len(data), hashlib.sha256(data).hexdigest())


def objects_forget(keys: Iterable[str], *, what: str = "object") -> None:
    """Delete stored objects, best effort: an orphan object holds no record, so a failure is
    logged (with the kind of object only) and never raised."""
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            logger.warning("%s not deleted from storage", what, exc_info=True)
