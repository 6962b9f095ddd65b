"""The region's audit log (public schema): schools, memberships, region settings."""

from .chain import AuditRecordBase


class RegionAuditRecord(AuditRecordBase):
    class Meta(AuditRecordBase.Meta):
        verbose_name = "запись аудита региона"
        verbose_name_plural = "журнал аудита региона"
