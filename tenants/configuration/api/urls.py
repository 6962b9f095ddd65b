from rest_framework.routers import SimpleRouter

from .views import (
    AcademicYearViewSet,
    ConversionViewSet,
    GradingSystemViewSet,
    HolidayViewSet,
    NotationViewSet,
    PeriodStructureViewSet,
    WorkTypeViewSet,
)

router = SimpleRouter()
router.register("academic-years", AcademicYearViewSet, basename="academic-year")
router.register("period-structures", PeriodStructureViewSet, basename="period-structure")
router.register("holidays", HolidayViewSet, basename="holiday")
router.register("grading-systems", GradingSystemViewSet, basename="grading-system")
router.register("conversions", ConversionViewSet, basename="conversion")
router.register("work-types", WorkTypeViewSet, basename="work-type")
router.register("notations", NotationViewSet, basename="notation")
urlpatterns = router.urls
