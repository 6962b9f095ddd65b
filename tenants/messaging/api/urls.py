from rest_framework.routers import SimpleRouter

from .views import AttachmentViewSet, ModerationViewSet, RecipientViewSet, ThreadViewSet

router = SimpleRouter()
router.register("messages/threads", ThreadViewSet, basename="message-thread")
router.register("messages/messages", ModerationViewSet, basename="message")
router.register("messages/recipients", RecipientViewSet, basename="message-recipient")
router.register("messages/attachments", AttachmentViewSet, basename="message-attachment")
urlpatterns = router.urls
