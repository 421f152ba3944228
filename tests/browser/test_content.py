"""The operator's content pages: their Markdown as headings, paragraphs and lists, in the prerendered HTML."""

from __future__ import annotations

import urllib.request

from playwright.sync_api import Page, expect

from mypage import routes
from mypage.pages.content import markdown
from tests.browser.support import assert_accessible, wait_for_app


def test_faq_and_terms_keep_their_structure(app, any_page: Page):
    page = any_page
    page.goto(app(routes.FAQ))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=2, name="マイページについて")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="マイページでは何ができますか？")).to_be_visible()
    expect(page.get_by_text("ご契約内容の参照、毎月のご請求明細", exact=False)).to_be_visible()
    page.goto(app(routes.TERMS))
    wait_for_app(page)
    rules = page.get_by_role("list").first.get_by_role("listitem")
    expect(rules).to_have_count(5)
    expect(rules.nth(2)).to_have_text("共用のパソコンでご利用になった後は、必ず「ログアウト」してください。")
    assert_accessible(page)


def test_content_is_in_the_html_before_any_script_runs(app):
    with urllib.request.urlopen(app(routes.FAQ)) as response:
        html = response.read().decode()
    assert "マイページでは何ができますか？" in html and "<h3" in html


def test_inline_markdown_becomes_components():
    rendered = "\n".join(map(str, markdown("## Title\n\n- **bold** and [link](/faq)\n- two\n\npara *em*\n")))
    for piece in ('as:"h2"', "RadixThemesStrong", 'to:"/faq"', '"li"', "RadixThemesEm", '"para "'):
        assert piece in rendered, piece
