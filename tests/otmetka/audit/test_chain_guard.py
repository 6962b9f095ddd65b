import pytest

from otmetka.audit.chain import audit_append
from otmetka.audit.context import AuditContext
from otmetka.audit.models import RegionAuditRecord


def test_append_outside_a_transaction_is_refused():
    # given no transaction (and no database access at all in this test)
    ctx = AuditContext.cli()
    # then appending is refused before anything is written
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_append(RegionAuditRecord, ctx=ctx, action="x", object_type="y", object_id=1)
