from django.urls import path

from . import pages, paper_pages

app_name = "diary-school"
urlpatterns = [
    path("receipts/", pages.receipts, name="receipts"),
    path("paper/", paper_pages.paper_list, name="paper"),
    path("paper/choice/", paper_pages.paper_choice, name="paper-choice"),
    path("paper/extract/", paper_pages.paper_extract, name="paper-extract"),
    path("paper/jobs/<int:pk>/", paper_pages.paper_job, name="paper-job"),
    path("paper/jobs/<int:pk>/pdf/", paper_pages.paper_job_pdf, name="paper-job-pdf"),
]
