from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView
from rest_framework.routers import DefaultRouter

from kompetensfond.allowances.apis import AllowanceSchemeViewSet, ClaimViewSet
from kompetensfond.applications.apis import ApplicationViewSet, MeetingViewSet, PortfolioApi
from kompetensfond.core import sso
from kompetensfond.core.api_support import ID_PATTERN
from kompetensfond.core.apis import MeApi
from kompetensfond.followup.apis import FollowUpViewSet, PaymentViewSet
from kompetensfond.funds.apis import FundViewSet
from kompetensfond.organisation.apis import (
    BodyViewSet,
    EmployeeViewSet,
    OccupationViewSet,
    OrgUnitViewSet,
)
from kompetensfond.plans.apis import GuidelineViewSet, PlanViewSet
from kompetensfond.reports.apis import (
    AllowanceScenarioApi,
    CentralApi,
    DistributionApi,
    ForecastApi,
    GenderApi,
    PublicRegisterApi,
    UptakeApi,
)

router = DefaultRouter()
router.register("bodies", BodyViewSet, basename="body")
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("occupations", OccupationViewSet, basename="occupation")
router.register("employees", EmployeeViewSet, basename="employee")
router.register("funds", FundViewSet, basename="fund")
router.register("plans", PlanViewSet, basename="plan")
router.register("guidelines", GuidelineViewSet, basename="guideline")
router.register("applications", ApplicationViewSet, basename="application")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("payments", PaymentViewSet, basename="payment")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("allowance-schemes", AllowanceSchemeViewSet, basename="allowance-scheme")
router.register("claims", ClaimViewSet, basename="claim")

api_v1 = [
    path("me/", MeApi.as_view(), name="me"),
    path("reports/distribution/", DistributionApi.as_view(), name="report-distribution"),
    path("reports/gender/", GenderApi.as_view(), name="report-gender"),
    path("reports/uptake/", UptakeApi.as_view(), name="report-uptake"),
    path("reports/central/", CentralApi.as_view(), name="report-central"),
    path("reports/forecast/", ForecastApi.as_view(), name="report-forecast"),
    re_path(rf"^funds/(?P<pk>{ID_PATTERN})/portfolio/$", PortfolioApi.as_view(),
            name="fund-portfolio"),
    path("scenarios/allowance/", AllowanceScenarioApi.as_view(), name="scenario-allowance"),
    path("public/<slug:slug>/register/", PublicRegisterApi.as_view(),
         name="public-register"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets style attributes from JavaScript: only this page allows inline styles.
    path("docs/", csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema")), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    *router.urls,
]

urlpatterns = [
    path("", include("kompetensfond.web.urls")),
    path("logga-in/", sso.LoginView.as_view(), name="login"),
    path("logga-ut/", sso.LogoutView.as_view(), name="logout"),
    path("sso/callback/", OIDCAuthenticationCallbackView.as_view(),
         name="oidc_authentication_callback"),
    path("sso/<slug:slug>/", sso.login_view, name="sso-login"),
    path("saml2/", include("djangosaml2.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("handelselogg/", include("kompetensfond.audit.urls")),
    path("organisation/", include("kompetensfond.organisation.urls")),
    path("fonder/", include("kompetensfond.funds.urls")),
    path("fonder/", include("kompetensfond.ledger.urls")),
    path("", include("kompetensfond.plans.urls")),
    path("ansokningar/", include("kompetensfond.applications.urls")),
    path("", include("kompetensfond.followup.urls")),
    path("kompetenspeng/", include("kompetensfond.allowances.urls")),
    path("rapporter/", include("kompetensfond.reports.urls")),
    path("offentligt/", include("kompetensfond.reports.urls_public")),
    path("api/v1/", include(api_v1)),
    path("plattform/admin/", admin.site.urls),
]

handler404 = "kompetensfond.web.views.page_not_found"
handler403 = "kompetensfond.web.views.permission_denied"

