"""The hash-chained audit log: append in the change's transaction, verify, detect tampering."""

import itertools

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from otmetka.audit.chain import GENESIS, audit_append, audit_verify
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=7, actor_role="deputy", source="page", request_id="r1")


def _append(n: int, model=AuditRecord):
    with transaction.atomic():
        for i in range(n):
            audit_append(
                model,
                ctx=CTX,
                action="mark.update",
                object_type="journal.Mark",
                object_id=i,
                old={"value": "4"},
                new={"value": "5"},
                reason="ошибка",
            )


def test_records_chain_and_verify(school_a):
    with schema_context(school_a.schema_name):
        _append(5)
        records = list(AuditRecord.objects.order_by("id"))
        assert records[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
        report = audit_verify(AuditRecord)
        assert report.ok and report.checked == 5


def test_tampering_names_the_first_broken_record(school_a):
    with schema_context(school_a.schema_name):
        _append(4)
        third = AuditRecord.objects.order_by("id")[2]
        with connection.cursor() as cursor:  # an attacker edits a value in place
            cursor.execute(
                'UPDATE school_audit_auditrecord SET new = \'{"value": "2"}\' WHERE id = %s',
                [third.pk],
            )
        report = audit_verify(AuditRecord)
        assert not report.ok
        assert report.first_broken_id == third.pk


def test_deleting_a_record_breaks_the_chain(school_a):
    with schema_context(school_a.schema_name):
        _append(3)
        second = AuditRecord.objects.order_by("id")[1]
        AuditRecord.objects.filter(pk=second.pk).delete()
        report = audit_verify(AuditRecord)
        assert report.first_broken_id == second.pk + 1


def test_school_chains_are_separate(school_a, school_b):
    with schema_context(school_a.schema_name):
        _append(2)
    with schema_context(school_b.schema_name):
        assert AuditRecord.objects.count() == 0
