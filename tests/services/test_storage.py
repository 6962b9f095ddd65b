"""Object storage: the folder default and a real S3-compatible HTTP endpoint (moto's server on
loopback) behind the same interface."""

import pytest

from services.storage import FolderStorage, S3Storage, StorageError


def _exercise(storage):
    storage.put("schools/school_a/acts/order.pdf", b"%PDF-1.7 test", "application/pdf")
    assert storage.exists("schools/school_a/acts/order.pdf")
    assert storage.get("schools/school_a/acts/order.pdf") == b"%PDF-1.7 test"
    storage.delete("schools/school_a/acts/order.pdf")
    assert not storage.exists("schools/school_a/acts/order.pdf")
    with pytest.raises(StorageError):
        storage.get("schools/school_a/acts/missing.pdf")
    storage.check()


def test_folder_storage(tmp_path):
    _exercise(FolderStorage(tmp_path))


def test_folder_storage_refuses_escaping_keys(tmp_path):
    with pytest.raises(StorageError):
        FolderStorage(tmp_path).put("../outside", b"x")


def test_s3_storage_over_http(s3_endpoint):
    storage = S3Storage(
        endpoint_url=s3_endpoint,
        bucket="otmetka-test",
        access_key_id="k",
        secret_access_key="s",
        region="ru-central1",
    )
    storage.client.create_bucket(
        Bucket="otmetka-test",
        CreateBucketConfiguration={"LocationConstraint": "ru-central1"},
    )
    _exercise(storage)


def test_s3_check_names_a_missing_bucket(s3_endpoint):
    storage = S3Storage(
        endpoint_url=s3_endpoint,
        bucket="no-such-bucket",
        access_key_id="k",
        secret_access_key="s",
        region="ru-central1",
    )
    with pytest.raises(StorageError, match="no-such-bucket"):
        storage.check()
