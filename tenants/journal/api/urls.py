from rest_framework.routers import SimpleRouter

from .views import AbsenceCodeViewSet, CorrectionViewSet, InvalidationViewSet, JournalViewSet

router = SimpleRouter()
router.register("journal/corrections", CorrectionViewSet, basename="correction")
router.register("journal/invalidations", InvalidationViewSet, basename="invalidation")
router.register("journal", JournalViewSet, basename="journal")
router.register("absence-codes", AbsenceCodeViewSet, basename="absence-code")
urlpatterns = router.urls
