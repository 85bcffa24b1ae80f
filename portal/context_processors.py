from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from core.bilingual import HTML_LANG, current_language


def language_alternates(request):
    """The same page in each language, for the switcher and for hreflang alternates."""
    current = current_language()
    path = request.get_full_path()
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            url = f"/{code}/"  # the page exists only under its own prefix (a 404): offer the home page instead
        alternates.append({
            "code": code,
            "html_lang": HTML_LANG[code],
            "name": get_language_info(code)["name_local"],
            "url": url,
            "absolute_url": request.build_absolute_uri(url),
            "is_current": code == current,
        })
    return {"language_alternates": alternates, "html_lang": HTML_LANG[current]}
