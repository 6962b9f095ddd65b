from rest_framework.routers import SimpleRouter

from .files import FamilyHomeworkFileViewSet
from .views import FamilyDiaryViewSet

router = SimpleRouter()
router.register("diary/homework-files", FamilyHomeworkFileViewSet, basename="diary-homework-file")
router.register("diary", FamilyDiaryViewSet, basename="diary")
urlpatterns = router.urls
