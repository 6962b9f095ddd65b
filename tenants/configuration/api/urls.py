from rest_framework.routers import SimpleRouter

from .views import AcademicYearViewSet, HolidayViewSet, PeriodStructureViewSet

router = SimpleRouter()
router.register("academic-years", AcademicYearViewSet, basename="academic-year")
router.register("period-structures", PeriodStructureViewSet, basename="period-structure")
router.register("holidays", HolidayViewSet, basename="holiday")
urlpatterns = router.urls
