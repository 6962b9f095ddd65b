"""The school's audit log (school schema): every write to journal data, people and settings."""

from otmetka.audit.chain import AuditRecordBase


class AuditRecord(AuditRecordBase):
    class Meta(AuditRecordBase.Meta):
        verbose_name = "запись аудита"
        verbose_name_plural = "журнал аудита"
