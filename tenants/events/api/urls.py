from rest_framework.routers import SimpleRouter

from .views import ControlWorkViewSet, EventViewSet, ExamChoiceViewSet

router = SimpleRouter()
router.register("control-works", ControlWorkViewSet, basename="control-work")
router.register("events", EventViewSet, basename="event")
router.register("exam-choices", ExamChoiceViewSet, basename="exam-choice")
urlpatterns = router.urls
