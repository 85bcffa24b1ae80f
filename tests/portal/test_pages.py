import pytest
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def test_root_sends_a_russian_browser_to_russian(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert response.status_code == 302 and response["Location"] == "/ru/"


def test_root_sends_a_chinese_browser_to_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response["Location"] == "/zh-hans/"


def test_root_defaults_to_chinese_for_other_languages(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/zh-hans/"


@pytest.mark.parametrize("language,html_lang", [("zh-hans", "zh-Hans"), ("ru", "ru")])
def test_home_page_is_organised_by_tasks(client, guide, language, html_lang):
    page = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{html_lang}">' in page
    assert 'id="topic-pay"' in page
    assert f"/{language}/calculators/" in page
    assert "12345" in page  # the "not an official decision" note, on every page


def test_language_switcher_links_to_the_same_page_keeping_the_query(client, guide):
    page = client.get("/zh-hans/search/?q=%E7%BC%B4%E8%B4%B9").content.decode()
    assert 'href="/ru/search/?q=%E7%BC%B4%E8%B4%B9"' in page


def test_each_page_lists_its_twin_as_hreflang_alternate(client, guide):
    page = client.get("/ru/guides/how-to-pay/").content.decode()
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/zh-hans/guides/how-to-pay/">' in page
    assert '<link rel="alternate" hreflang="ru" href="http://testserver/ru/guides/how-to-pay/">' in page


def test_unknown_language_prefix_is_a_404_in_the_browsers_language(client):
    response = client.get("/fr/guides/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="ru">' in page


def test_404_page_switcher_offers_the_other_home_page(client):
    page = client.get("/fr/guides/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'href="/zh-hans/"' in page


def sitemaps_xml(client):
    index = client.get("/sitemap.xml").content.decode()
    return "".join(client.get(f"/sitemap-{section}.xml").content.decode() for section in ("pages", "guides", "faq",
                                                                                          "regions") if section in index)


def test_sitemap_lists_pages_in_both_languages(client, guide):
    xml = sitemaps_xml(client)
    for url in ["http://testserver/zh-hans/guides/how-to-pay/", "http://testserver/ru/guides/how-to-pay/",
                "http://testserver/ru/faq/", "http://testserver/zh-hans/"]:
        assert f"<loc>{url}</loc>" in xml
    assert 'hreflang="ru"' in xml


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("ru/broken/", broken_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_friendly_and_in_the_readers_language():
    from django.utils import translation

    client = Client(raise_request_exception=False)
    with translation.override("ru"):
        response = client.get("/ru/broken/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 500
    assert "12345" in response.content.decode()


def test_static_files_are_served_compressed_and_hashed_in_production(settings):
    assert settings.STORAGES["staticfiles"]["BACKEND"]  # test settings swap it; production uses whitenoise:
    from portal import settings as production

    assert production.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in production.MIDDLEWARE


def test_sitemap_lists_calculators_and_region_pages(client):
    from django.core.management import call_command

    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    xml = sitemaps_xml(client)
    assert "<loc>http://testserver/ru/calculators/deadline/</loc>" in xml
    assert "<loc>http://testserver/zh-hans/regions/zhejiang-lishui/</loc>" in xml


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_the_home_pages_calculators_card_links_to_each_calculator(client, language):
    page = client.get(f"/{language}/").content.decode()
    card = page.split('class="task-grid"')[1].split(f'href="/{language}/calculators/"')[1]
    for name in ("deadline", "contribution", "reimbursement"):
        assert f'href="/{language}/calculators/{name}/"' in card


PUBLIC_PAGES = ["/zh-hans/", "/ru/", "/ru/guides/", "/zh-hans/guides/how-to-pay/", "/ru/faq/", "/ru/search/?q=x",
                "/ru/calculators/", "/ru/calculators/contribution/?region=national&year=2024&ordinary=1",
                "/zh-hans/regions/", "/robots.txt", "/sitemap.xml"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_set_no_cookie_and_do_not_vary_on_cookie_so_caches_can_keep_them(client, guide, faq, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def test_a_logged_in_editor_gets_pages_that_vary_on_their_session(client, make_guide):
    from django.contrib.auth import get_user_model

    make_guide(slug="draft-guide", status="draft")
    client.force_login(get_user_model().objects.create_user("staff", password="pw", is_staff=True))
    response = client.get("/ru/guides/draft-guide/")
    assert response.status_code == 200 and "Cookie" in response["Vary"]


def test_sitemap_lists_each_topic_page_of_questions_only_where_questions_are_published(client, db):
    from guides.models import FAQ, Topic

    answered, empty = Topic.objects.create(slug="paying", name_zh="交费"), Topic.objects.create(slug="empty", name_zh="空")
    FAQ.objects.create(topic=answered, slug="when", question_zh="什么时候交？", answer_zh="九月。", status="published")
    FAQ.objects.create(topic=empty, slug="draft", question_zh="草稿？", answer_zh="还没。", status="draft")
    xml = client.get("/sitemap-faq.xml").content.decode()
    assert "<loc>http://testserver/ru/faq/paying/</loc>" in xml and "/faq/empty/" not in xml
