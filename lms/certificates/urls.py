"""Certificate pages: learners and the public under /certificates/, course staff under /studio/."""
from django.urls import path

from . import views

app_name = "certificates"

STUDIO = "studio/courses/<slug:slug>/certificates/"

urlpatterns = [
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/verify/", views.verify_form, name="verify-form"),
    path("certificates/verify/<str:number>/", views.verify, name="verify"),
    path("certificates/verify/<str:number>/credential.json", views.verify_credential_json, name="verify-credential"),
    path("certificates/<str:number>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<str:number>/marksheet.pdf", views.marksheet_pdf, name="marksheet"),
    path("certificates/<str:number>/credential.json", views.credential_download, name="credential"),
    path("manage/certificates/settings", views.settings_page, name="settings"),
    path(STUDIO, views.staff_list, name="staff-list"),
    path(STUDIO + "rules", views.studio_rules, name="studio-rules"),
    path(STUDIO + "issue/<uuid:enrollment_uuid>", views.staff_issue, name="staff-issue"),
    path(STUDIO + "bulk", views.staff_bulk, name="staff-bulk"),
    path(STUDIO + "jobs/<uuid:job_uuid>/", views.staff_job, name="staff-job"),
    path(STUDIO + "<str:number>/revoke", views.staff_revoke, name="staff-revoke"),
    path(STUDIO + "<str:number>/reissue", views.staff_reissue, name="staff-reissue"),
    path("studio/tracks/<slug:slug>/certificates/", views.staff_track_list, name="staff-track-list"),
    path("studio/tracks/<slug:slug>/certificates/<str:number>/revoke", views.staff_track_revoke, name="staff-track-revoke"),
    path("studio/tracks/<slug:slug>/certificates/<str:number>/reissue", views.staff_track_reissue,
         name="staff-track-reissue"),
    path("studio/tracks/<slug:slug>/certificate-rules", views.studio_track_rules, name="studio-track-rules"),
]
