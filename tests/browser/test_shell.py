"""The app shell on every public page: header, footer, titles, widths, 文字サイズ, accessibility."""

import re

import pytest
from playwright.sync_api import Page, expect

from mypage import routes
from tests.browser.support import assert_accessible, tracked_lock_files

PUBLIC_PAGES = {
    routes.LOGIN: "マイページログイン",
    routes.FAQ: "よくある質問と回答",
    routes.TERMS: "注意事項・ご利用規約",
    routes.IMPORTANT: "重要事項説明書",
}


def root_font_size(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")


@pytest.mark.parametrize("path", list(PUBLIC_PAGES))
def test_page_renders_with_shell(app, any_page: Page, path: str):
    any_page.goto(app(path))
    title = PUBLIC_PAGES[path]
    expect(any_page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(any_page).to_have_title(re.compile(f"^{re.escape(title)} \\| ACT MyPage$"))
    assert any_page.evaluate("document.documentElement.lang") == "ja"
    footer = any_page.get_by_role("contentinfo")
    expect(footer.get_by_text("お電話でのお問合せ")).to_be_visible()
    expect(footer.get_by_role("link", name="0120-442-208")).to_be_visible()
    expect(footer.get_by_text("受付時間 9:00~17:30")).to_be_visible()
    for name in ("よくある質問と回答", "注意事項・ご利用規約", "重要事項説明書"):
        expect(footer.get_by_role("link", name=name)).to_be_visible()
    # Nothing sticks out sideways at 375 px.
    assert any_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_content_pages_are_reachable_from_the_footer(app, page: Page):
    page.goto(app(routes.LOGIN))
    page.get_by_role("contentinfo").get_by_role("link", name="重要事項説明書").click()
    expect(page).to_have_url(app(routes.IMPORTANT))
    expect(page.get_by_role("heading", level=1, name="重要事項説明書")).to_be_visible()


def test_font_toggle_enlarges_text_and_survives_reload(app, any_page: Page):
    page = any_page
    page.goto(app(routes.FAQ))
    standard = page.get_by_role("button", name="標準")
    large = page.get_by_role("button", name="大きく")
    expect(standard).to_have_attribute("aria-pressed", "true")
    expect(large).to_have_attribute("aria-pressed", "false")
    before = root_font_size(page)

    large.click()
    expect(large).to_have_attribute("aria-pressed", "true")
    expect(standard).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(f"parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) > {before}")
    assert root_font_size(page) == pytest.approx(before * 1.25, rel=0.02)

    page.reload()
    expect(page.get_by_role("button", name="大きく")).to_have_attribute("aria-pressed", "true")
    assert root_font_size(page) == pytest.approx(before * 1.25, rel=0.02)

    page.get_by_role("button", name="標準").click()
    page.wait_for_function(f"parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) < {before * 1.1}")
    assert root_font_size(page) == pytest.approx(before, rel=0.02)


@pytest.mark.parametrize("font", ["標準", "大きく"])
@pytest.mark.parametrize("path", list(PUBLIC_PAGES))
def test_no_accessibility_violations(app, any_page: Page, path: str, font: str):
    any_page.goto(app(path))
    button = any_page.get_by_role("button", name=font)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert_accessible(any_page)


def test_the_build_leaves_the_checkout_clean(app, portal):
    """Building the frontend rewrites none of the files git tracks under reflex.lock/."""
    assert tracked_lock_files() == portal.lock_files


def test_every_page_has_one_h1(app, page: Page):
    for path in (*PUBLIC_PAGES, routes.REGISTER, routes.FORGOT_ID, routes.FORGOT_PASSWORD):
        page.goto(app(path))
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
