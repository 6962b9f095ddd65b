from rest_framework.routers import SimpleRouter

from .views import (
    ConsentViewSet,
    CredentialsViewSet,
    ExportViewSet,
    GroupViewSet,
    GuardianViewSet,
    ImportViewSet,
    MovementViewSet,
    SchoolClassViewSet,
    StaffViewSet,
    StudentViewSet,
    TeachingViewSet,
)

router = SimpleRouter()
router.register("staff", StaffViewSet, basename="staff")
router.register("students", StudentViewSet, basename="student")
router.register("guardians", GuardianViewSet, basename="guardian")
router.register("classes", SchoolClassViewSet, basename="class")
router.register("groups", GroupViewSet, basename="group")
router.register("teaching", TeachingViewSet, basename="teaching")
router.register("movements", MovementViewSet, basename="movement")
router.register("imports", ImportViewSet, basename="import")
router.register("exports", ExportViewSet, basename="export")
router.register("credentials", CredentialsViewSet, basename="credentials")
router.register("consents", ConsentViewSet, basename="consent")
urlpatterns = router.urls
