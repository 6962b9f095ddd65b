"""Demo: a guardian account with a child in each of the first two demo schools, a consent to the
electronic diary registered for each, so `/diary/` shows two schools' diaries. Idempotent."""

from __future__ import annotations

from otmetka.audit.context import AuditContext
from tenants.people import consents
from tenants.people.choices import Applicant, Channel, Decision, StudentStatus
from tenants.people.models import Guardian, GuardianLink

CTX = AuditContext.system("demo")


def diary_family(user_id: int) -> str | None:
    """Bind `user_id` to a guardian of a pupil of the school (run in the school's schema);
    returns the child's name, or None when the school has no pupils with guardians."""
    mine = Guardian.objects.filter(user_id=user_id).first()
    links = GuardianLink.objects.filter(
        ended_at__isnull=True,
        student__status=StudentStatus.STUDYING,
        student__class_memberships__school_class__year__is_current=True,
        student__class_memberships__school_class__grade__gte=5,
    ).select_related("guardian", "student")
    link = (
        links.filter(guardian=mine).first()
        if mine
        else links.filter(guardian__user_id__isnull=True).order_by("student_id").first()
    )
    if link is None:
        return None
    if mine is None:
        Guardian.objects.filter(pk=link.guardian_id).update(user_id=user_id)
    if not consents.active(link.student).filter(guardian=link.guardian).exists():
        consents.consent_register(
            ctx=CTX, student=link.student, applicant=Applicant.GUARDIAN, decision=Decision.CONSENT,
            guardian=link.guardian, channels=[Channel.WEB, Channel.EMAIL],
        )  # fmt: skip
    return link.student.full_name
