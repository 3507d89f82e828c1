from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("handoff/", views.handoff, name="handoff"),
    path("profile/", views.profile, name="profile"),
    path("profile/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("verify/resend/", views.verify_email_resend, name="verify-email-resend"),
    path("verify/<str:token>/", views.verify_email, name="verify-email"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
