"""よくある質問と回答, 注意事項・ご利用規約, 重要事項説明書."""

from collections.abc import Callable

import reflex as rx
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mypage import content, routes, styles
from mypage.components.layout import template

PAGES = (
    (routes.FAQ, "よくある質問と回答", "faq"),
    (routes.TERMS, "注意事項・ご利用規約", "terms"),
    (routes.IMPORTANT, "重要事項説明書", "important"),
)
# The look rx.markdown gave these pages, built once from the Markdown when the app is compiled:
# plain components, prerendered, without a Markdown renderer in the browser.
HEADINGS = {"h2": "5", "h3": "4", "h4": "3"}


def _inline(token: Token) -> list[rx.Component | str]:
    """Text with **strong**, *emphasis* and [links](…) of one inline token."""
    parts: list[rx.Component | str] = []
    stack: list[tuple[str, list, dict]] = []
    for child in token.children or []:
        target = stack[-1][1] if stack else parts
        if child.type == "text":
            target.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            target.append(rx.el.br() if child.type == "hardbreak" else " ")
        elif child.type.endswith("_open"):
            stack.append((child.type, [], dict(child.attrs)))
        elif child.type.endswith("_close") and stack:
            kind, children, attrs = stack.pop()
            element = {
                "strong_open": lambda c, a: rx.text.strong(*c),
                "em_open": lambda c, a: rx.text.em(*c),
                "link_open": lambda c, a: rx.link(*c, href=a.get("href", ""), style=styles.link),
            }.get(kind, lambda c, a: rx.fragment(*c))(children, attrs)
            (stack[-1][1] if stack else parts).append(element)
    return parts


def markdown(text: str) -> list[rx.Component]:
    """Headings, paragraphs and lists of a content page's Markdown as components."""
    blocks: list[rx.Component] = []
    lists: list[list[rx.Component]] = []
    items: list[list[rx.Component]] = []
    for token in MarkdownIt("commonmark").parse(text):
        target = items[-1] if items else blocks
        if token.type == "inline":
            target.append(token)  # wrapped when its block closes
        elif token.type == "heading_close":
            inline = target.pop()
            size = HEADINGS.get(token.tag, "3")
            target.append(rx.heading(*_inline(inline), as_=token.tag, size=size, margin_y="0.5em"))
        elif token.type == "paragraph_close":
            inline = _inline(target.pop())
            target.extend(inline) if token.hidden else target.append(rx.text(*inline, margin_y="1em"))  # tight list
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append([])
        elif token.type == "list_item_open":
            items.append([])
        elif token.type == "list_item_close":
            lists[-1].append(rx.list.item(*items.pop(), margin_y="0.5em"))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            kind = rx.list.unordered if token.type == "bullet_list_close" else rx.list.ordered
            (items[-1] if items else blocks).append(kind(*lists.pop(), margin_y="1em"))
    return blocks


# Each content page's page function by its file's name (the gallery shows them too).
PAGE_FUNCTIONS: dict[str, Callable[[], rx.Component]] = {}


def _register(route: str, title: str, name: str) -> None:
    blocks = markdown(content.read(name))

    @template(route=route, title=title)
    def content_page() -> rx.Component:
        return rx.vstack(*blocks, width="100%")

    PAGE_FUNCTIONS[name] = content_page


for _route, _title, _name in PAGES:
    _register(_route, _title, _name)
