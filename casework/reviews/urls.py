from django.urls import path

from casework.reviews import views

app_name = "reviews"

urlpatterns = [
    path("cases/<uuid:case_id>/reviews/", views.CaseReviewsView.as_view(), name="case-reviews"),
    path("cases/<uuid:case_id>/reviews/extend/", views.ReviewExtendView.as_view(), name="case-extend"),
    path("reviews/<uuid:review_id>/complete/", views.ReviewCompleteView.as_view(), name="review-complete"),
    path("assurance/", views.OverdueDashboardView.as_view(), name="assurance-dashboard"),
]
