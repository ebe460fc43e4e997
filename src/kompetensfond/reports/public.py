"""The public register of grants (offentligt register): every decided grant of a
municipality with date, body, §, administration and unit, title, purpose, strategies and
amounts; never personal data (no contact person, delegate's name, participants or
reviewers). Open to everyone, as a page, CSV and JSON, described by DCAT-AP-SE metadata
(JSON-LD) so that it can be listed on the national open-data portal; rate-limited per
client address."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from kompetensfond.applications.models import Application, Decision, Outcome
from kompetensfond.core.exports import TABLE_EXPORTS, table_download
from kompetensfond.core.middleware import client_ip
from kompetensfond.core.models import Municipality
from kompetensfond.core.money import as_api_string
from kompetensfond.core.replica import reads_from_replica
from kompetensfond.plans.models import Strategy

REQUESTS_PER_MINUTE = 60
HEADER = ["beslutsdatum", "beslutat_av", "paragraf", "diarienummer", "förvaltning", "enhet",
          "titel", "syfte", "strategier", "beviljat", "utbetalt"]


def within_limit(request: HttpRequest) -> bool:
    """Count the request against its client address's minute; False beyond the limit."""
    key = f"public-register:{client_ip(request)}:{int(timezone.now().timestamp() // 60)}"
    count = cache.get_or_set(key, 0, timeout=120) or 0
    if count >= REQUESTS_PER_MINUTE:
        return False
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=120)
    return True


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most REQUESTS_PER_MINUTE requests a minute from one client address (429)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not within_limit(request):
            response = HttpResponse(_("Too many requests. Wait a minute and try again."),
                                    status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper


class PublicThrottle(BaseThrottle):
    """The same limit for the public API (a DRF throttle)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        return within_limit(request)

    def wait(self) -> float:
        return 60.0


def register_rows(municipality: Municipality) -> list[dict[str, Any]]:
    """The municipality's grants, newest decision first."""
    from kompetensfond.followup.models import FollowUp, Payment

    decisions = (Decision.objects
                 .filter(application__municipality=municipality,
                         outcome__in=(Outcome.GRANTED, Outcome.PARTLY_GRANTED))
                 .select_related("body", "application__unit", "application__fund")
                 .prefetch_related(Prefetch("application__strategies",
                                            queryset=Strategy.objects.order_by("code")))
                 .order_by("-decided_on", "-pk"))
    ids = [d.application_id for d in decisions]
    paid = dict(Payment.objects.filter(application_id__in=ids).values("application_id")
                .annotate(total=Sum("amount")).values_list("application_id", "total"))
    returned = dict(FollowUp.objects.filter(application_id__in=ids).values("application_id")
                    .annotate(total=Sum("returned")).values_list("application_id", "total"))
    from kompetensfond.organisation.models import OrgUnit

    roots = {u.pk: u.name for u in OrgUnit.objects.filter(municipality=municipality, depth=0)}
    rows = []
    for decision in decisions:
        application: Application = decision.application
        unit = application.unit
        decided_by = (_("Delegation decision (point %(point)s)") % {
            "point": decision.delegation_point} if decision.delegate_id
            else decision.body.name if decision.body else "")
        rows.append({
            "decided_on": decision.decided_on, "decided_by": decided_by,
            "paragraph": decision.paragraph, "case_number": decision.case_number,
            "administration": roots.get(int(unit.path.strip("/").split("/")[0]), unit.name),
            "unit": unit.name, "title": application.title, "purpose": application.purpose,
            "strategies": [f"{s.code} {s.title}" for s in application.strategies.all()],
            "granted": decision.amount,
            "paid": (paid.get(application.pk) or Decimal(0))
            - (returned.get(application.pk) or Decimal(0)),
        })
    return rows


def _municipality(slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


def dcat(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    """DCAT-AP-SE metadata of the register as a dataset with its three distributions."""
    page = request.build_absolute_uri(reverse("public:register", args=[municipality.slug]))
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/"},
        "@type": "dcat:Dataset", "@id": page,
        "dcterms:title": {"@language": "sv",
                          "@value": f"Kompetensfondens beviljade bidrag, {municipality.name}"},
        "dcterms:description": {"@language": "sv", "@value": (
            "Beslutade bidrag ur kommunens kompetensfond: beslutsdatum, organ eller delegation, "
            "paragraf, diarienummer, förvaltning och enhet, titel, syfte, strategier i "
            "kompetensförsörjningsplanen, beviljat och utbetalt belopp. Inga personuppgifter.")},
        "dcterms:publisher": {"@type": "foaf:Agent", "foaf:name": municipality.name},
        "dcterms:issued": timezone.localdate().isoformat(),
        "dcterms:language": {"@id": "http://publications.europa.eu/resource/authority/language/SWE"},
        "dcterms:accessRights": {"@id": "http://publications.europa.eu/resource/authority/"
                                        "access-right/PUBLIC"},
        "dcat:theme": {"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"},
        "dcat:keyword": ["kompetensutveckling", "kompetensfond", "bidrag", "personal"],
        "dcat:landingPage": {"@id": page},
        "dcat:distribution": [
            {"@type": "dcat:Distribution", "dcterms:title": title,
             "dcat:accessURL": {"@id": page}, "dcat:downloadURL": {"@id": f"{page}?format={fmt}"},
             "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
             "dcterms:license": {"@id": "http://creativecommons.org/publicdomain/zero/1.0/"}}
            for fmt, media, title in (("csv", "text/csv", "CSV"),
                                      ("json", "application/json", "JSON"))],
    }


@rate_limited
@reads_from_replica
def register_view(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = _municipality(slug)
    rows = register_rows(municipality)
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse({"municipality": municipality.name, "grants": [
            {**row, "decided_on": row["decided_on"].isoformat(),
             "granted": as_api_string(row["granted"]), "paid": as_api_string(row["paid"])}
            for row in rows]}, json_dumps_params={"ensure_ascii": False})
    if fmt in TABLE_EXPORTS:
        return table_download(fmt, HEADER, [
            [r["decided_on"], r["decided_by"], r["paragraph"] or "", r["case_number"],
             r["administration"], r["unit"], r["title"], r["purpose"], "; ".join(r["strategies"]),
             r["granted"], r["paid"]] for r in rows],
            name=f"bidrag-{municipality.slug}", sheet="Bidrag")
    return render(request, "reports/public_register.html", {
        "municipality": municipality, "rows": rows,
        "dcat": json.dumps(dcat(request, municipality), ensure_ascii=False),
        "total": sum((r["granted"] for r in rows), Decimal(0))})


@rate_limited
@reads_from_replica
def dcat_view(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = _municipality(slug)
    return HttpResponse(json.dumps(dcat(request, municipality), ensure_ascii=False),
                        content_type="application/ld+json; charset=utf-8")



