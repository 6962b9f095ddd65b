from rest_framework.routers import SimpleRouter

from .plan_views import HomeworkViewSet, LessonPlanViewSet, RecommendationViewSet
from .views import BellScheduleViewSet, CurriculumViewSet, LessonViewSet, TimetableViewSet

# written by the administration
router = SimpleRouter()
router.register("curriculum", CurriculumViewSet, basename="curriculum")
router.register("bell-schedules", BellScheduleViewSet, basename="bell-schedule")
router.register("timetable", TimetableViewSet, basename="timetable")
router.register("lessons", LessonViewSet, basename="lesson")
# written by teachers (their own classes and lessons) and, for plans, the administration
teacher_router = SimpleRouter()
teacher_router.register("plans", LessonPlanViewSet, basename="plan")
teacher_router.register("homework", HomeworkViewSet, basename="homework")
teacher_router.register("recommendations", RecommendationViewSet, basename="recommendation")
urlpatterns = router.urls + teacher_router.urls
