from rest_framework.routers import SimpleRouter

from .views import (
    MunicipalityViewSet,
    RegionTemplateViewSet,
    SchoolViewSet,
    SetupCompletenessViewSet,
)

router = SimpleRouter()
router.register("schools", SchoolViewSet, basename="school")
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("region-templates", RegionTemplateViewSet, basename="region-template")
router.register("setup-completeness", SetupCompletenessViewSet, basename="setup-completeness")
urlpatterns = router.urls
