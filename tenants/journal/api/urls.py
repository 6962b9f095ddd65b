from rest_framework.routers import SimpleRouter

from .views import AbsenceCodeViewSet, JournalViewSet

router = SimpleRouter()
router.register("journal", JournalViewSet, basename="journal")
router.register("absence-codes", AbsenceCodeViewSet, basename="absence-code")
urlpatterns = router.urls
