"""よくある質問と回答, 注意事項・ご利用規約, 重要事項説明書."""

import reflex as rx

from mypage import content, routes
from mypage.components.layout import template

PAGES = (
    (routes.FAQ, "よくある質問と回答", "faq"),
    (routes.TERMS, "注意事項・ご利用規約", "terms"),
    (routes.IMPORTANT, "重要事項説明書", "important"),
)


def _register(route: str, title: str, name: str) -> None:
    text = content.read(name)

    @template(route=route, title=title)
    def content_page() -> rx.Component:
        return rx.markdown(text)


for _route, _title, _name in PAGES:
    _register(_route, _title, _name)
