from django.urls import path

from . import views

urlpatterns = [
    path("studio/courses/<slug:slug>/certificate-rules", views.CourseRulesApi.as_view(), name="api-certificate-rules"),
    path("studio/tracks/<slug:slug>/certificate-rules", views.TrackRulesApi.as_view(),
         name="api-track-certificate-rules"),
    path("courses/<slug:slug>/certificates", views.CourseCertificatesApi.as_view(), name="api-course-certificates"),
    path("courses/<slug:slug>/certificates/bulk", views.BulkIssueApi.as_view(), name="api-certificates-bulk"),
    path("courses/<slug:slug>/certificates/bulk/<uuid:job_uuid>", views.BulkIssueJobApi.as_view(),
         name="api-certificates-bulk-job"),
    path("certificates/<str:number>/revoke", views.RevokeApi.as_view(), name="api-certificate-revoke"),
    path("certificates/<str:number>/reissue", views.ReissueApi.as_view(), name="api-certificate-reissue"),
    path("certificates/verify/<str:number>", views.VerifyApi.as_view(), name="api-certificate-verify"),
    path("certificates/<str:number>/certificate.pdf", views.CertificatePdfApi.as_view(), name="api-certificate-pdf"),
    path("certificates/<str:number>/marksheet.pdf", views.MarksheetPdfApi.as_view(), name="api-certificate-marksheet"),
    path("certificates/<str:number>/credential", views.CredentialApi.as_view(), name="api-certificate-credential"),
    path("me/certificates", views.MyCertificatesApi.as_view(), name="api-my-certificates"),
]
