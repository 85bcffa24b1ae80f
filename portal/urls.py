from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from calculators.urls import region_patterns
from portal import views
from portal.admin_parity import parity_view
from portal.sitemaps import sitemap_index, sitemap_section

urlpatterns = [
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("guides.urls")),
    path("calculators/", include("calculators.urls")),
    path("regions/", include(region_patterns)),
    path("admin/parity/", admin.site.admin_view(parity_view), name="admin-parity"),
    path("admin/", admin.site.urls),
)

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
