from rest_framework.routers import SimpleRouter

from .views import BellScheduleViewSet, CurriculumViewSet, LessonViewSet, TimetableViewSet

router = SimpleRouter()
router.register("curriculum", CurriculumViewSet, basename="curriculum")
router.register("bell-schedules", BellScheduleViewSet, basename="bell-schedule")
router.register("timetable", TimetableViewSet, basename="timetable")
router.register("lessons", LessonViewSet, basename="lesson")
urlpatterns = router.urls
