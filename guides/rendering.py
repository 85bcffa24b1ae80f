"""Markdown written by editors, turned into safe HTML for readers.

The pipeline: placeholder lines (``[[table:name key=value]]``) are set aside,
the rest goes through python-markdown and then nh3, so no editor can inject
script; only then are the set-aside embeds put back, rendered by trusted code
(see ``guides.embeds``).

Problems an editor can fix (a broken placeholder, a tag that would swallow the
rest of the text) never break the page: the reader gets the rest, and the
editor gets ``RenderedMarkdown.warnings`` in the preview and once on saving.
"""

import html as html_module
import re
from dataclasses import dataclass, field

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown.extensions.toc import slugify_unicode

from guides import embeds

PLACEHOLDER_LINE = re.compile(r"^[ \t]*\[\[(?P<spec>[a-z][a-z0-9-]*:[^\]\n]*)\]\][ \t]*$", re.MULTILINE)
TOKEN = "PORTALEMBED{}TOKEN"
TOKEN_PARAGRAPH = re.compile(r"<p>PORTALEMBED(\d+)TOKEN</p>")
# Raw HTML that an HTML parser reads as raw text or foreign content: left open, it swallows everything after
# it (the rest of the guide, its live tables included). None of it is allowed, so it is shown as text.
SWALLOWING_NAMES = ("math", "svg", "style", "script", "template", "textarea", "title", "xmp", "iframe", "noscript",
                    "noembed", "noframes", "plaintext", "object", "select")
SWALLOWING_TAG = re.compile(rf"<(?=/?(?:{'|'.join(SWALLOWING_NAMES)})\b)", re.IGNORECASE)

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
}


@dataclass
class Heading:
    level: int
    anchor: str
    title: str
    children: list = field(default_factory=list)


@dataclass
class RenderedMarkdown:
    html: SafeString
    headings: list
    warnings: list = field(default_factory=list)  # for the editor; readers never see them


def _headings(tokens):
    # python-markdown gives each heading's name as HTML; the title is its plain text, escaped once by the template.
    return [Heading(t["level"], t["id"], html_module.unescape(strip_tags(t["name"])), _headings(t["children"]))
            for t in tokens]


def render(text, language, *, as_of=None):
    """Render an editor's Markdown in ``language``; ``as_of`` is passed to live embeds."""
    specs = []

    def set_aside(match):
        specs.append(match.group("spec"))
        return "\n" + TOKEN.format(len(specs) - 1) + "\n"

    source = PLACEHOLDER_LINE.sub(set_aside, text or "")
    md = markdown.Markdown(
        extensions=["tables", "toc", "sane_lists"],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-3"}},
        output_format="html",
    )
    # As HTML blocks, markdown would pass an unclosed one through with everything after it; inline, only the tag.
    md.block_level_elements = [name for name in md.block_level_elements if name not in SWALLOWING_NAMES]
    html = md.convert(source)
    warnings = []
    # Only raw HTML written by the editor reaches this point unescaped: markdown escapes code and text.
    swallowing = sorted({m.group(0).lower() for m in re.finditer(r"</?[a-z]+", html)
                         if SWALLOWING_TAG.match(m.group(0))})
    if swallowing:
        html = SWALLOWING_TAG.sub("&lt;", html)
        warnings.append(_("These HTML tags are not allowed and are shown as text: %(tags)s. Remove them.")
                        % {"tags": ", ".join(f"{tag}>" for tag in swallowing)})
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    # Wide tables scroll sideways on phones; the wrapper takes keyboard focus so they can be scrolled without a mouse.
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>').replace("</table>", "</table></div>")
    html = TOKEN_PARAGRAPH.sub(
        lambda m: embeds.render(specs[int(m.group(1))], language, as_of=as_of, warnings=warnings), html
    )
    return RenderedMarkdown(mark_safe(html), _headings(md.toc_tokens), warnings)


def plain_text(text):
    """The words a reader sees, without markup or placeholders, for search and snippets."""
    without_embeds = PLACEHOLDER_LINE.sub("", text or "")
    html = markdown.markdown(without_embeds, extensions=["tables"])
    return re.sub(r"\s+", " ", html_module.unescape(strip_tags(html))).strip()
