from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list_view, name="list"),
    path("ny/", views.application_create_view, name="create"),
    path("kontroll/", views.live_check_view, name="check"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/andra/", views.application_edit_view, name="edit"),
    path("<int:pk>/skicka-in/", views.submit_view, name="submit"),
    path("<int:pk>/handlagg/", views.review_view, name="review"),
    path("<int:pk>/komplettering/", views.return_view, name="return"),
    path("<int:pk>/ater/", views.withdraw_view, name="withdraw"),
    path("<int:pk>/forslag/", views.recommend_view, name="recommend"),
    path("<int:pk>/beslut/", views.decide_view, name="decide"),
    path("<int:pk>/delegationsbeslut/", views.decide_delegated_view, name="decide-delegated"),
    path("<int:pk>/bedomare/", views.assign_view, name="assign"),
    path("<int:pk>/jav/", views.conflict_view, name="conflict"),
    path("<int:pk>/bedomning/", views.score_view, name="score"),
    path("fond/<int:pk>/kriterier/", views.criteria_view, name="criteria"),
    path("fond/<int:pk>/rangordning/", views.ranking_view, name="ranking"),
    path("<int:pk>/protokollsutdrag.pdf", views.minutes_extract_view, name="minutes-extract"),
    path("<int:pk>/bilagor/", views.attachment_upload_view, name="attachment-upload"),
    path("<int:pk>/bilagor/<int:attachment_pk>/", views.attachment_download_view,
         name="attachment"),
    path("sammantraden/", views.meeting_list_view, name="meetings"),
    path("sammantraden/ny/", views.meeting_create_view, name="meeting-create"),
    path("sammantraden/<int:pk>/", views.meeting_detail, name="meeting"),
    path("sammantraden/<int:pk>/beslutsunderlag.pdf", views.decision_basis_view,
         name="decision-basis"),
    path("sammantraden/<int:pk>/anmal/", views.report_delegated_view,
         name="report-delegated"),
]
