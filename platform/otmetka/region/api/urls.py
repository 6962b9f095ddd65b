from rest_framework.routers import SimpleRouter

from .views import MunicipalityViewSet, SchoolViewSet

router = SimpleRouter()
router.register("schools", SchoolViewSet, basename="school")
router.register("municipalities", MunicipalityViewSet, basename="municipality")
urlpatterns = router.urls
