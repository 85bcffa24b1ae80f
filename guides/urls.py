from django.urls import path

from guides import views

app_name = "guides"

urlpatterns = [
    path("guides/", views.guide_index, name="index"),
    path("guides/<slug:slug>/", views.guide_detail, name="detail"),
    path("faq/", views.faq, name="faq"),
    path("faq/<slug:slug>/", views.faq_topic, name="faq_topic"),
    path("search/", views.search, name="search"),
    path("feedback/", views.feedback, name="feedback"),
]
