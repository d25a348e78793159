from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

ALWAYS_ALLOWED = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/scope/")


class TwoFactorRequiredMiddleware:
    """Staff and auditors must finish a TOTP check before they see anything (when the setting requires it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.BINHAN_REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED)
            and user.needs_two_factor
            and not user.is_verified()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Finish two-factor sign-in first, or use an API token.")},
                                    status=403)
            from django_otp import devices_for_user

            has_device = any(True for _d in devices_for_user(user, confirmed=True))
            return redirect("accounts:otp_verify" if has_device else "accounts:otp_setup")
        return self.get_response(request)
