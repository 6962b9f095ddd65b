"""Local acts (CFG-11): files in object storage (a real S3-compatible endpoint), publishing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.configuration import services
from tenants.configuration.models import LocalAct
from tests.factories import school_client

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="director", source="api")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(**overrides):
    fields = {
        "title": "Положение об электронном журнале",
        "kind": "journal_regulation",
        "order": services.Order("7-од", date(2026, 8, 30)),
        "is_public": True,
        "file_name": "polozhenie.pdf",
        "data": PDF,
    }
    return services.local_act_upload(ctx=CTX, **{**fields, **overrides})


def test_the_file_goes_to_the_schools_prefix_in_the_bucket(school_a, s3_storage):
    with schema_context(school_a.schema_name):
        act = _upload()
        assert act.file_key.startswith(f"schools/{school_a.schema_name}/acts/")
        assert s3_storage.get(act.file_key) == PDF
        assert act.content_type == "application/pdf" and act.size == len(PDF)
        published = services.local_act_publish(ctx=CTX, act=act, published=True)
        assert published.published_at is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"data": b"MZ\x90\x00 not a document"}, "file"),
        ({"file_name": "program.exe"}, "file"),  # the name must say a document too
        ({"file_name": "polozhenie.odt"}, "file"),  # and agree with the content
        ({"data": b""}, "file"),
        ({"title": "  "}, "title"),
        ({"order": services.Order(" ", date(2026, 8, 30))}, "order_number"),
    ],
)
def test_bad_uploads_leave_nothing_behind(school_a, s3_storage, overrides, field):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as error:
            _upload(**overrides)
        assert field in error.value.message_dict
        assert not LocalAct.objects.exists()
    listed = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert listed.get("KeyCount", 0) == 0


def test_an_open_document_is_stored_with_its_type(school_a, s3_storage):
    with schema_context(school_a.schema_name):
        act = _upload(file_name="Положение.ODT", data=b"PK\x03\x04mimetypeapplication/vnd.oasis")
        assert act.file_key.endswith(".odt")
        assert act.content_type == "application/vnd.oasis.opendocument.text"


def test_a_failed_card_removes_the_stored_file(school_a, s3_storage):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError):
            _upload(kind="not-a-kind")  # the card's full_clean fails after the put
    listed = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert listed.get("KeyCount", 0) == 0


def test_local_acts_api(school_a, s3_storage):
    client = school_client(school_a, SchoolRole.DIRECTOR)
    created = client.post(
        "/api/v1/local-acts/",
        {
            "title": "Положение об ЭЖ",
            "kind": "journal_regulation",
            "order_number": "7-од",
            "order_date": "2026-08-30",
            "is_public": "true",
            "file": SimpleUploadedFile("act.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert created.status_code == 201, created.json()
    act_id = created.json()["id"]
    assert not created.json()["published"]
    published = client.post(
        f"/api/v1/local-acts/{act_id}/publish/",
        {"published": True},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["published"]
    download = client.get(f"/api/v1/local-acts/{act_id}/file/")
    assert download.status_code == 200 and download.content == PDF
    assert "act.pdf" in download["Content-Disposition"]
    bad = client.post(
        "/api/v1/local-acts/",
        {
            "title": "X",
            "kind": "order",
            "order_number": "1",
            "order_date": "2026-08-30",
            "file": SimpleUploadedFile("x.exe", b"MZ...", content_type="application/pdf"),
        },
    )
    assert bad.status_code == 400 and "file" in bad.json()["fields"]
    missing = client.post("/api/v1/local-acts/", {"title": "X"})
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
