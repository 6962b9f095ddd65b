from rest_framework.routers import SimpleRouter

from .views import (
    AcademicYearViewSet,
    ConversionViewSet,
    GradingAssignmentViewSet,
    GradingSystemViewSet,
    HolidayViewSet,
    LocalActViewSet,
    NotationViewSet,
    PeriodStructureViewSet,
    PeriodViewSet,
    RegionalTemplateViewSet,
    RegulationViewSet,
    RoomViewSet,
    SetupChecklistViewSet,
    SubjectViewSet,
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
router.register("regulation", RegulationViewSet, basename="regulation")
router.register("periods", PeriodViewSet, basename="period")
router.register("subjects", SubjectViewSet, basename="subject")
router.register("rooms", RoomViewSet, basename="room")
router.register("grading-assignments", GradingAssignmentViewSet, basename="grading-assignment")
router.register("local-acts", LocalActViewSet, basename="local-act")
router.register("setup-checklist", SetupChecklistViewSet, basename="setup-checklist")
router.register("regional-template", RegionalTemplateViewSet, basename="regional-template")
urlpatterns = router.urls
