from rest_framework.routers import SimpleRouter

from .paper import PaperChildViewSet, PaperClassViewSet, PaperExtractViewSet, PaperJobViewSet
from .views import ReceiptViewSet

router = SimpleRouter()
router.register("diary/receipts", ReceiptViewSet, basename="diary-receipt")
router.register("diary/paper/children", PaperChildViewSet, basename="diary-paper-child")
router.register("diary/paper/classes", PaperClassViewSet, basename="diary-paper-class")
router.register("diary/paper/jobs", PaperJobViewSet, basename="diary-paper-job")
router.register("diary/paper/extracts", PaperExtractViewSet, basename="diary-paper-extract")
urlpatterns = router.urls
