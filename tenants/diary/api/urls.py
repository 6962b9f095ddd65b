from rest_framework.routers import SimpleRouter

from .views import ReceiptViewSet

router = SimpleRouter()
router.register("diary/receipts", ReceiptViewSet, basename="diary-receipt")
urlpatterns = router.urls
