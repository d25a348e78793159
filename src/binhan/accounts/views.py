"""Sign-in, registration, the account page, API tokens, two-factor and role grants. Thin views."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from binhan.accounts import services
from binhan.accounts.forms import GrantForm, LoginForm, OtpForm, RegisterForm, TokenCreateForm
from binhan.accounts.models import ApiToken, Membership, User
from binhan.core import audit, ratelimit
from binhan.core.exceptions import ServiceError
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import AdministrativeUnit, Level

LOGIN_RATE_IP = "20/m"
LOGIN_RATE_NAME = "5/5m"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        name = (request.POST.get("username") or "").strip().lower()
        try:
            ratelimit.hit(f"login:ip:{audit.client_ip(request)}", LOGIN_RATE_IP)
            if name:
                ratelimit.hit(f"login:name:{name}", LOGIN_RATE_NAME)
        except ratelimit.RateLimited as limited:
            return ratelimit.too_many_requests(request, limited.retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        ratelimit.reset(f"login:name:{(self.request.POST.get('username') or '').strip().lower()}", LOGIN_RATE_NAME)
        audit.record(actor=user, action="user.login", obj=user)
        if user.preferred_language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language,
                                max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax")
        return response


login_view = LoginView.as_view()


@ratelimit.rate_limit(scope="password-reset", rate="5/h")
def password_reset(request: HttpRequest) -> HttpResponse:
    view = auth_views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done"))
    return view(request)


@ratelimit.rate_limit(scope="register", rate="10/h")
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegisterForm(request.POST or None)
    group_query = (request.GET.get("group_q") or request.POST.get("group_q") or "").strip()
    groups = geo_selectors.unit_search_public(query=group_query) if group_query else []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.resident_register(
                phone=data["phone"], email=data["email"], password=data["password"], full_name=data["full_name"],
                group=data["group"], language=request.LANGUAGE_CODE,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user, backend="binhan.accounts.backends.UsernamePhoneOrEmailBackend")
            messages.success(request, _("Welcome! Your resident account is ready."))
            return redirect("core:home")
    chosen = form.data.get("group") if form.is_bound else None
    chosen_unit = AdministrativeUnit.objects.filter(pk=chosen, level=Level.GROUP).first() if chosen and str(
        chosen).isdigit() else None
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "accounts/register.html",
                  {"form": form, "groups": groups, "group_query": group_query, "chosen_unit": chosen_unit},
                  status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("unit").order_by("unit__path", "role")
    tokens = request.user.api_tokens.all()
    has_otp = any(True for _d in devices_for_user(request.user, confirmed=True))
    return render(request, "accounts/profile.html", {
        "memberships": memberships, "tokens": tokens, "has_otp": has_otp, "token_form": TokenCreateForm(),
    })


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    token, full = services.api_token_create(actor=request.user, user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"token": token, "full": full})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:profile")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: show a QR code, confirm with the first code."""
    user = request.user
    if any(True for _d in devices_for_user(user, confirmed=True)) and not user.is_verified():
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(actor=user, action="user.2fa_enabled", obj=user)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("core:home")
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html",
                  {"form": form, "qr": _qr_svg(device.config_url), "secret": secret},
                  status=400 if form.errors else 200)


@login_required
@ratelimit.rate_limit(scope="otp", rate="10/5m", by="user")
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"].strip()):
                otp_login(request, device)
                return redirect(request.GET.get("next") or "core:home")
        form.add_error("code", _("That code is not right. Try the newest code from your app."))
    return render(request, "accounts/otp_verify.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def membership_grant(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    if not services.can_grant(actor=request.user, unit=unit):
        raise PermissionDenied(_("Only staff of a higher unit may grant roles here."))
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login_name = form.cleaned_data["username"].strip()
        person = User.objects.filter(
            Q(username__iexact=login_name) | Q(phone=login_name) | Q(email__iexact=login_name)
        ).first()
        if person is None:
            form.add_error("username", _("No account has this username, phone or email."))
        else:
            try:
                services.membership_grant(actor=request.user, user=person, unit=unit, role=form.cleaned_data["role"])
            except ServiceError as error:
                form.add_error("role" if error.field in ("role", "unit") else None, error.message)
            else:
                messages.success(request, _("The role was granted."))
                return redirect(reverse("geo:unit_detail", args=[unit.pk]) + "#people")
    return render(request, "accounts/grant.html", {"form": form, "unit": unit}, status=400 if form.errors else 200)


@login_required
@require_POST
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    from binhan.core import scoping

    membership = scoping.get_visible_or_404(Membership.objects.select_related("unit", "user"), request.user, pk=pk)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ServiceError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, _("The role was removed."))
    return redirect(reverse("geo:unit_detail", args=[membership.unit_id]) + "#people")
