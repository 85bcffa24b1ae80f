from django.urls import path

from calculators import views

app_name = "calculators"

urlpatterns = [
    path("", views.index, name="index"),
    path("reimbursement/", views.reimbursement, name="reimbursement"),
    path("deadline/", views.deadline, name="deadline"),
    path("deadline/reminder.ics", views.deadline_reminder, name="deadline_reminder"),
    path("contribution/", views.contribution, name="contribution"),
    path("qr.svg", views.qr_code, name="qr"),
]

# Mounted at /<lang>/regions/ (see portal/urls.py): every policy table of one region on one page.
region_patterns = (
    [
        path("", views.region_index, name="index"),
        path("<slug:slug>/", views.region_detail, name="detail"),
    ],
    "regions",
)
