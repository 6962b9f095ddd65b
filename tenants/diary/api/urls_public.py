from rest_framework.routers import SimpleRouter

from .views import FamilyDiaryViewSet

router = SimpleRouter()
router.register("diary", FamilyDiaryViewSet, basename="diary")
urlpatterns = router.urls
