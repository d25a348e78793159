"""Pages for alerts. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from binhan.alerts import cap, conf, selectors, services
from binhan.alerts import library as library_services
from binhan.alerts.forms import (
    AlertForm,
    AnswerForm,
    ArticleForm,
    CampaignForm,
    CancelForm,
    ReplyForm,
    SubscriptionForm,
)
from binhan.alerts.models import Category, Status
from binhan.core import live, paths, ratelimit, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit

PAGE_SIZE = 20
RESIDENT_EVENTS = ("alert.delivered", "alert.cancelled", "alert.answered", "alert.expired")


def _staff(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied


def _form_error(form, error: ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# -- staff -------------------------------------------------------------------------------------

@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    page = Paginator(selectors.alert_list(viewer=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "alerts/list.html", {"page": page, "status": status, "statuses": Status.choices})


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = AlertForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.alert_create(actor=request.user, data=form.to_input())
            if "send" in request.POST:
                alert = services.alert_send(actor=request.user, alert=alert)
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, _status_message(alert))
            return redirect("alerts:detail", pk=alert.pk)
    return render(request, "alerts/compose.html", {"form": form, "alert": None},
                  status=400 if form.errors else 200)


@login_required
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    alert = selectors.alert_get(viewer=request.user, pk=pk)
    if not selectors.can_manage(request.user, alert) or alert.status not in (Status.DRAFT, Status.REVIEW):
        raise PermissionDenied
    form = AlertForm(request.POST or None, request.FILES or None, viewer=request.user,
                     initial=AlertForm.initial_from(alert))
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.alert_update(actor=request.user, alert=alert, data=form.to_input())
            if "send" in request.POST:
                alert = services.alert_send(actor=request.user, alert=alert)
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, _status_message(alert))
            return redirect("alerts:detail", pk=alert.pk)
    return render(request, "alerts/compose.html", {"form": form, "alert": alert},
                  status=400 if form.errors else 200)


def _status_message(alert) -> str:
    return {
        Status.DRAFT: _("The alert is saved as a draft."),
        Status.REVIEW: _("The alert is waiting for a second person's approval."),
        Status.SCHEDULED: _("The alert will be sent at the scheduled time."),
        Status.SENT: _("The alert is being sent."),
        Status.CANCELLED: _("The alert is cancelled."),
    }.get(alert.status, "")


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    alert = selectors.alert_get(viewer=request.user, pk=pk)
    manage = selectors.can_manage(request.user, alert)
    replies = list(selectors.staff_replies(viewer=request.user, alert=alert))
    return render(request, "alerts/detail.html", {
        "alert": alert, "manage": manage, "tally": selectors.tally(viewer=request.user, alert=alert),
        "poll": selectors.poll_results(viewer=request.user, alert=alert),
        "replies": replies, "answer_form": AnswerForm(), "cancel_form": CancelForm(),
        "needs_approval": services.needs_approval(alert), "texts": list(alert.texts.all()),
        "targets": list(alert.targets.select_related("unit")),
        "reports_from_alert": list(selectors.reports_from_alert(viewer=request.user, alert=alert)[:50]),
    })


@login_required
def alert_tally(request: HttpRequest, pk: int) -> HttpResponse:
    """The live figures block (htmx fragment)."""
    _staff(request)
    alert = selectors.alert_get(viewer=request.user, pk=pk)
    return render(request, "alerts/_tally.html", {"alert": alert,
                                                  "tally": selectors.tally(viewer=request.user, alert=alert),
                                                  "poll": selectors.poll_results(viewer=request.user, alert=alert)})


@login_required
def alert_replies(request: HttpRequest, pk: int) -> HttpResponse:
    """The replies block (htmx fragment)."""
    _staff(request)
    alert = selectors.alert_get(viewer=request.user, pk=pk)
    return render(request, "alerts/_replies.html", {
        "alert": alert, "replies": list(selectors.staff_replies(viewer=request.user, alert=alert)),
        "manage": selectors.can_manage(request.user, alert), "answer_form": AnswerForm()})


@login_required
def alert_groups(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    alert = selectors.alert_get(viewer=request.user, pk=pk)
    return render(request, "alerts/groups.html", {
        "alert": alert, "rows": selectors.tally_by_group(viewer=request.user, alert=alert),
        "choices": [str(label) for _code, label in services.poll_choices(alert)]})


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff(request)
    alert = selectors.alert_get(viewer=request.user, pk=pk)
    try:
        if action == "send":
            alert = services.alert_send(actor=request.user, alert=alert)
        elif action == "approve":
            alert = services.alert_approve(actor=request.user, alert=alert)
        elif action == "return":
            alert = services.alert_return_to_draft(actor=request.user, alert=alert)
        elif action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            alert = services.alert_cancel(actor=request.user, alert=alert, reason=reason)
        elif action == "answer":
            form = AnswerForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_("Write your answer."), field="body")
            parent = None
            if form.cleaned_data.get("in_reply_to"):
                parent = selectors.staff_replies(viewer=request.user, alert=alert).filter(
                    pk=form.cleaned_data["in_reply_to"]).first()
                if parent is None:
                    raise Http404
            services.reply_answer(actor=request.user, alert=alert, body=form.cleaned_data["body"],
                                  in_reply_to=parent, public=form.cleaned_data["public"] or parent is None)
            messages.success(request, _("Your answer is sent."))
            return redirect("alerts:detail", pk=alert.pk)
        else:
            raise Http404
    except ServiceError as error:
        messages.error(request, error.message)
        response = redirect("alerts:detail", pk=alert.pk)
        response.status_code = 303
        return response
    messages.success(request, _status_message(alert))
    return redirect("alerts:detail", pk=alert.pk)


# -- residents --------------------------------------------------------------------------------

@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": selectors.unread_count(user=request.user),
               "live_url": reverse("alerts:inbox_live")}
    template = "alerts/_inbox_list.html" if request.headers.get("HX-Request") else "alerts/inbox.html"
    return render(request, template, context)


@login_required
@ratelimit.rate_limit(scope="alert-reply", rate="20/10m", by="user")
def inbox_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.inbox_alert(user=request.user, pk=pk)
    services.mark_read(user=request.user, alert=alert)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply_create(user=request.user, alert=alert, body=form.cleaned_data["body"])
            except ServiceError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Your reply is sent to the police and leaders of your area."))
                return redirect("alerts:inbox_alert", pk=alert.pk)
    return render(request, "alerts/inbox_alert.html", {
        "alert": alert, "text": alert.text(), "form": form,
        "acknowledged": selectors.acknowledged(user=request.user, alert=alert),
        "thread": list(selectors.resident_thread(user=request.user, alert=alert)),
        "live_url": reverse("alerts:inbox_live"),
        "choices": services.poll_choices(alert), "my_vote": selectors.my_vote(user=request.user, alert=alert),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def inbox_vote(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.inbox_alert(user=request.user, pk=pk)
    try:
        services.poll_vote(user=request.user, alert=alert, option=request.POST.get("option", "")[:12])
    except ServiceError as error:
        messages.error(request, error.message)
        response = redirect("alerts:inbox_alert", pk=alert.pk)
        response.status_code = 303
        return response
    messages.success(request, _("Thank you for your answer."))
    return redirect("alerts:inbox_alert", pk=alert.pk)


@login_required
@require_POST
def inbox_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.inbox_alert(user=request.user, pk=pk)
    try:
        services.alert_acknowledge(user=request.user, alert=alert)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the sender knows you have seen it."))
    return redirect("alerts:inbox_alert", pk=alert.pk)


@login_required
def inbox_badge(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/_badge.html", {"unread": selectors.unread_count(user=request.user)})


async def inbox_live(request: HttpRequest) -> HttpResponse:
    """Live arrival for a resident: events of alerts addressed to where they live or serve, nothing else."""
    def load():
        user = request.user
        if not user.is_authenticated:
            return None
        return selectors.recipient_paths(user)

    mine = await live.run_db(load)  # closes the connection: a stream stays open for hours
    if mine is None:
        return HttpResponse(_("Sign in to receive live updates."), status=401, content_type="text/plain")

    return await live.stream_response(request, lambda event: resident_may_see(event, mine))


def resident_may_see(event, mine: list[str]) -> bool:
    """An alert event for where this person lives or serves; never anything else."""
    if event.name not in RESIDENT_EVENTS:
        return False
    targets = event.payload.get("paths") or []
    return any(paths.is_under(path, targets) for path in mine)


@login_required
def subscription(request: HttpRequest) -> HttpResponse:
    current = services.subscription_of(request.user)
    initial = {name: getattr(current, name) for name in services.SUBSCRIPTION_FIELDS}
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(user=request.user, **form.cleaned_data)
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("alerts:subscription")
    return render(request, "alerts/subscription.html", {
        "form": form, "vapid_public_key": conf.get("BINHAN_VAPID_PUBLIC_KEY", "")},
        status=400 if form.errors else 200)


@csrf_exempt  # a mail client's RFC 8058 one-click POST has no CSRF token; the signed token is the proof
@ratelimit.rate_limit(scope="alert-unsubscribe", rate="30/10m")
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from an email or SMS: GET shows the button, POST (also RFC 8058 one-click) unsubscribes."""
    if request.method == "POST":
        try:
            _user, channel = services.unsubscribe(token=token)
        except ServiceError as error:
            return render(request, "alerts/unsubscribe.html", {"error": error.message}, status=400)
        return render(request, "alerts/unsubscribe.html", {"done": True})
    return render(request, "alerts/unsubscribe.html", {"token": token})


@login_required
@require_POST
@ratelimit.rate_limit(scope="alert-push", rate="20/10m", by="user")
def push_subscribe(request: HttpRequest) -> HttpResponse:
    try:
        data = json.loads(request.body or b"{}")
        keys = data.get("keys") or {}
        services.push_subscribe(user=request.user, endpoint=str(data.get("endpoint", "")),
                                p256dh=str(keys.get("p256dh", "")), auth=str(keys.get("auth", "")))
    except (ValueError, AttributeError):
        return JsonResponse({"detail": _("Send the browser's subscription as JSON.")}, status=400)
    except ServiceError as error:
        return JsonResponse({"detail": error.message}, status=400)
    return JsonResponse({"detail": _("Browser notifications are on.")}, status=201)


def service_worker(request: HttpRequest) -> HttpResponse:
    """The Web Push service worker, served under /alerts/ so it may show notifications for these pages."""
    from django.contrib.staticfiles import finders

    path = finders.find("alerts/sw.js")
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/alerts/"
    return response


# -- public: CAP and Atom ------------------------------------------------------------------------

def public_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.public_alert(pk)
    return render(request, "alerts/public.html", {"alert": alert, "text": alert.text(),
                                                  "targets": list(alert.targets.all())})


def cap_document(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.public_alert(pk)
    return HttpResponse(cap.document(alert, request=request), content_type=f"{cap.CONTENT_TYPE}; charset=utf-8")


def atom_feed(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("unit", "").strip()
    unit = None
    if code:
        unit = AdministrativeUnit.objects.filter(code=code[:40]).first()
        if unit is None:
            return HttpResponse(_("No unit has the code %(code)s.") % {"code": code[:40]}, status=404,
                                content_type="text/plain; charset=utf-8")
    alerts = selectors.public_alerts(unit=unit)[:100]
    title = (_("Active alerts: %(unit)s") % {"unit": unit.display_name}) if unit else _("Active alerts")
    atom = cap.feed(alerts, request=request, title=str(title), feed_url=request.build_absolute_uri())
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response



# -- knowledge library and campaigns -------------------------------------------------------------

def library(request: HttpRequest) -> HttpResponse:
    """The public library of legal-knowledge and prevention articles and leaflets."""
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(library_services.articles_public(category=category, query=query), PAGE_SIZE).get_page(
        request.GET.get("page"))
    drafts = None
    if request.user.is_authenticated and request.user.is_staff_member:
        drafts = library_services.articles_for_staff(viewer=request.user).filter(is_published=False)[:20]
    return render(request, "alerts/library.html", {"page": page, "category": category, "query": query,
                                                   "categories": Category.choices, "drafts": drafts})


def article(request: HttpRequest, pk: int) -> HttpResponse:
    found = library_services.article_get(viewer=request.user, pk=pk)
    return render(request, "alerts/article.html", {"article": found, "text": found.text(),
                                                   "can_edit": _can_edit_article(request, found)})


def article_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The article as a printable PDF (A4), when WeasyPrint is installed; else the page prints from the browser."""
    found = library_services.article_get(viewer=request.user, pk=pk)
    html = render(request, "alerts/article_print.html", {"article": found, "text": found.text()}).content.decode()
    pdf = library_services.article_pdf(found, html=html)
    if pdf is None:
        return HttpResponse(_("PDF printing is not installed on this server. Use your browser's Print instead."),
                            status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="binhan-article-{found.pk}.pdf"'
    return response


def _can_edit_article(request: HttpRequest, found) -> bool:
    return request.user.is_authenticated and scoping.can_see_path(request.user, found.unit_path,
                                                                  roles=services.SENDER_ROLES)


@login_required
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _staff(request)
    found = library_services.article_get(viewer=request.user, pk=pk) if pk else None
    if found is not None and not _can_edit_article(request, found):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, viewer=request.user,
                       initial=ArticleForm.initial_from(found) if found else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = library_services.article_save(
                actor=request.user, unit=data["unit"], texts=form.texts(), kind=data["kind"],
                category=data["category"], is_published=data["is_published"], article=found)
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("alerts:article", pk=saved.pk)
    return render(request, "alerts/article_edit.html", {"form": form, "article": found},
                  status=400 if form.errors else 200)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    page = Paginator(library_services.campaigns_for_staff(viewer=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "alerts/campaigns.html", {"page": page})


@login_required
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _staff(request)
    found = library_services.campaign_get(viewer=request.user, pk=pk) if pk else None
    initial = ({"name": found.name, "unit": found.unit_id, "starts_on": found.starts_on, "ends_on": found.ends_on,
                "description": found.description} if found else None)
    form = CampaignForm(request.POST or None, viewer=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = library_services.campaign_save(actor=request.user, campaign=found, **data)
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("alerts:campaign", pk=saved.pk)
    return render(request, "alerts/campaign_edit.html", {"form": form, "campaign": found},
                  status=400 if form.errors else 200)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    found = library_services.campaign_get(viewer=request.user, pk=pk)
    alerts = selectors.visible_alerts(viewer=request.user).filter(campaign=found).prefetch_related("texts").order_by(
        "-sent_at", "-id")
    return render(request, "alerts/campaign.html", {
        "campaign": found, "alerts": alerts[:100],
        "figures": library_services.campaign_figures(viewer=request.user, campaign=found)})
