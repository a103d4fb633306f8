"""Routes of the tier figures pages (included from urls.py under figures/, names in the cultivation namespace)."""

from django.urls import path

from . import views_figures

urlpatterns = [
    path("", views_figures.MyFiguresView.as_view(), name="figures_mine"),
    path("report/", views_figures.FiguresReportView.as_view(), name="figures_report"),
    path("pending/", views_figures.FiguresPendingView.as_view(), name="figures_pending"),
    path("<int:pk>/", views_figures.FiguresDetailView.as_view(), name="figures_detail"),
]
