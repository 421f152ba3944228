"""マイページアカウント作成 in Chromium: the whole flow with real mail, every bad input, the code boxes."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from mypage import routes
from mypage.accounts import registration
from mypage.models import Account, EmailToken
from tests.browser.support import assert_accessible, wait_for_app
from tests.support import mail_text

PASSWORD = "Kx7mQ2vRp9"
LINK = re.compile(r"(http://\S+/verify\?token=\S+)")


def new_customer(app, name: str = "登録 太郎") -> dict:
    """A customer of this test's own, with a fresh authentication code."""
    done = app.cli("customer", "add", "--name", name, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def unique(prefix: str = "reg") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def boxes(page: Page):
    return page.get_by_role("group", name="認証コード").get_by_role("textbox")


def box_values(page: Page) -> list[str]:
    return [boxes(page).nth(i).input_value() for i in range(3)]


def paste(page: Page, text: str) -> None:
    """Paste text into the focused element, as Ctrl+V does (a real ClipboardEvent with the text)."""
    page.evaluate(
        """text => { const data = new DataTransfer(); data.setData('text/plain', text);
        document.activeElement.dispatchEvent(new ClipboardEvent('paste',
            {clipboardData: data, bubbles: true, cancelable: true})); }""",
        text,
    )


def open_form(app, page: Page) -> None:
    page.goto(app(routes.REGISTER))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="マイページアカウント作成")).to_be_visible()
    image = page.get_by_role("img", name="画像認証の数字（4桁）")
    expect(image).to_have_attribute("src", re.compile("^data:image/png"))


def fill(
    page: Page,
    customer: dict,
    *,
    login_id: str,
    email: str,
    password: str = PASSWORD,
    confirm: str | None = None,
    code: str | None = None,
    captcha: str = "PASSED",
) -> None:
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_label("パスワード(確認)").fill(password if confirm is None else confirm)
    page.get_by_label("メールアドレス1").fill(email)
    page.get_by_label("お客様番号").fill(customer["customer_number"])
    boxes(page).first.focus()
    paste(page, customer["auth_code"] if code is None else code)
    page.get_by_label("画像認証").fill(captcha)


def next_step(page: Page) -> None:
    page.get_by_role("button", name="次へ").click()


def summary(page: Page):
    return page.locator("#error-summary")


def expect_errors(page: Page, *messages: str) -> None:
    """The summary took the focus and lists exactly these messages."""
    expect(summary(page)).to_be_focused()
    items = summary(page).get_by_role("listitem")
    expect(items).to_have_count(len(messages))
    for item, message in zip(items.all(), messages, strict=True):
        expect(item).to_contain_text(message)


def account_of(app, login_id: str) -> Account | None:
    with app.db() as db:
        return db.exec(select(Account).where(Account.login_id_folded == login_id.lower())).first()


def sign_up(app, page: Page, customer: dict | None = None) -> tuple[str, str]:
    """Go through the form to 送信完了; returns the login ID and the address."""
    customer = customer or new_customer(app)
    login_id, email = unique(), f"{unique('m')}@example.jp"
    open_form(app, page)
    fill(page, customer, login_id=login_id, email=email)
    next_step(page)
    expect(page).to_have_url(app(routes.REGISTER_CONFIRM))
    page.get_by_role("button", name="登録する").click()
    expect(page).to_have_url(app(routes.REGISTER_SENT))
    return login_id, email


def register(app, page: Page, mail, customer: dict | None = None) -> tuple[str, str, str]:
    """Go through the form to 送信完了; returns the login ID, the address and the mailed link."""
    login_id, email = sign_up(app, page, customer)
    link = LINK.search(mail_text(mail.wait_for(email))).group(1)
    return login_id, email, link


def test_the_whole_flow_with_real_mail(app, any_page: Page, mail):
    page = any_page
    customer = new_customer(app, "八戸 花子")
    login_id, email = unique("Flow"), f"{unique('m')}@example.jp"

    page.goto(app(routes.LOGIN))
    wait_for_app(page)
    page.get_by_role("link", name="新規アカウント作成").click()
    open_form(app, page)
    for note in (
        "必ず控えておくことをお願い致します。",
        "@actv.ne.jp",
        "弊社プライバシーポリシー",
        "『お客様番号』を入力して下さい。",
        "『認証コード』を入力して下さい。",
        "画面に表示されている数字",
    ):
        expect(page.get_by_text(note).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    fill(page, customer, login_id=login_id, email=email)
    next_step(page)

    expect(page).to_have_url(app(routes.REGISTER_CONFIRM))
    expect(page.get_by_role("heading", level=1, name="入力内容の確認")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("ログインID"))).to_contain_text(login_id)
    expect(table.get_by_role("row", name=re.compile("メールアドレス1"))).to_contain_text(email)
    expect(table.get_by_role("row", name=re.compile("お客様番号"))).to_contain_text(customer["customer_number"])
    expect(table).not_to_contain_text(PASSWORD)
    expect(table).not_to_contain_text(customer["auth_code"].split("-")[0])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    assert account_of(app, login_id) is None

    page.get_by_role("button", name="登録する").click()
    expect(page).to_have_url(app(routes.REGISTER_SENT))
    expect(page.get_by_role("heading", level=1, name="送信完了")).to_be_visible()
    expect(page.get_by_text(f"{email} 宛てに確認メールを送信しました。")).to_be_visible()
    expect(page.get_by_role("button", name="確認メールを再送信")).to_be_visible()
    assert_accessible(page)
    assert account_of(app, login_id).status == "pending"

    message = mail.wait_for(email)
    body = mail_text(message)
    assert "メールアドレスの確認" in message["Subject"]
    assert "八戸 花子 様" in body and "24時間" in body and "0120-442-208" in body
    assert PASSWORD not in body and customer["auth_code"] not in body
    link = LINK.search(body).group(1)

    # Opening the link (as a mail scanner would) changes nothing; the button does.
    page.goto(link)
    wait_for_app(page)
    button = page.get_by_role("button", name="メールアドレスを認証する")
    expect(button).to_be_visible()
    # The token left the address bar (and the history) once the page had read it; not stored.
    expect(page).not_to_have_url(re.compile("token="))
    assert_accessible(page)
    assert account_of(app, login_id).status == "pending"
    assert page.request.get(link).headers["cache-control"] == "no-store"
    button.click()

    expect(page).to_have_url(re.compile(r"/\?verified=1$"))
    expect(page.get_by_text("✔ アカウントを認証しました。")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()
    assert_accessible(page)
    assert account_of(app, login_id).status == "active"

    page.goto(link)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="このメールアドレスは認証済みです")).to_be_visible()


def test_an_empty_form_shows_every_error_at_once(app, any_page: Page):
    page = any_page
    open_form(app, page)
    next_step(page)
    expect_errors(
        page,
        "ログインIDを入力してください。",
        "パスワードを入力してください。",
        "確認のため、再度、パスワードの入力をお願いします。",
        "メールアドレス1を入力してください。",
        "お客様番号を入力してください。",
        "認証コードを入力してください。",
        "画像に表示されている数字を入力してください。",
    )
    for label in ("ログインID", "メールアドレス1", "お客様番号", "画像認証"):
        expect(page.get_by_label(label)).to_have_attribute("aria-invalid", "true")
    expect(boxes(page).first).to_have_attribute("aria-invalid", "true")
    # The message is also next to the field, and the summary's link goes there.
    expect(page.locator("#field-login_id-error")).to_have_text("⚠ ログインIDを入力してください。")
    summary(page).get_by_role("link", name=re.compile("^ログインID")).click()
    expect(page.get_by_label("ログインID")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_bad_values_each_get_their_rule_and_values_are_kept(app, page: Page):
    customer = new_customer(app)
    open_form(app, page)
    fill(page, customer, login_id="ab", email="taro@", password="abc", confirm="abd", code="ABCD-EFGH-JKLM")
    next_step(page)
    expect_errors(
        page,
        "ログインIDは、半角英数4文字以上20文字以内で入力してください。",
        "パスワードは、半角英数6文字以上50文字以内で入力してください。",
        "パスワードとパスワード(確認)が一致しません。",
        "メールアドレスの形式が正しくありません。",
        "お客様番号または認証コードが正しくありません",
    )
    expect(page.get_by_label("ログインID")).to_have_value("ab")
    expect(page.get_by_label("メールアドレス1")).to_have_value("taro@")
    expect(page.get_by_label("パスワード", exact=True)).to_have_value("")
    expect(page.get_by_label("パスワード(確認)")).to_have_value("")
    expect(page.get_by_label("画像認証")).to_have_value("")
    assert box_values(page) == ["ABCD", "EFGH", "JKLM"]

    # A common password and one containing the login ID.
    login_id = unique("Ao")
    fill(page, customer, login_id=login_id, email="taro@example.jp", password="password1")
    next_step(page)
    expect_errors(page, "このパスワードは推測されやすいため使用できません。")
    fill(page, customer, login_id=login_id, email="taro@example.jp", password=f"{login_id}9")
    next_step(page)
    expect_errors(page, "パスワードにログインIDを含めることはできません。")
    assert_accessible(page)


def test_a_wrong_captcha_brings_a_new_image(app, page: Page):
    customer = new_customer(app)
    open_form(app, page)
    image = page.get_by_role("img", name="画像認証の数字（4桁）")
    first = image.get_attribute("src")
    fill(page, customer, login_id=unique(), email="taro@example.jp", captcha="0000")
    next_step(page)
    expect_errors(page, "画像認証の数字が正しくありません。")
    expect(image).not_to_have_attribute("src", first)
    second = image.get_attribute("src")
    page.get_by_role("button", name="別の画像に変更").click()
    expect(image).not_to_have_attribute("src", second)


def test_a_wrong_pair_says_the_same_whichever_part_is_wrong_and_five_lock_the_number(app, page: Page):
    customer = new_customer(app)
    other = new_customer(app)
    open_form(app, page)
    wrong = [
        {"code": other["auth_code"]},  # another customer's code
        {"code": customer["auth_code"].swapcase()},  # case matters
        {"code": "ABCD-EFGH-JKLM"},
        {"code": customer["auth_code"][:-1] + ("x" if customer["auth_code"][-1] != "x" else "y")},
    ]
    for change in wrong:
        fill(page, customer, login_id=unique(), email="taro@example.jp", **change)
        next_step(page)
        expect_errors(page, "お客様番号または認証コードが正しくありません。")
    fill(page, {**customer, "customer_number": "1999999999"}, login_id=unique(), email="taro@example.jp")
    next_step(page)
    expect_errors(page, "お客様番号または認証コードが正しくありません。")
    # Four wrong for this number so far: the fifth locks it, and then even the right code is refused.
    fill(page, customer, login_id=unique(), email="taro@example.jp", code="ABCD-EFGH-JKLM")
    next_step(page)
    expect_errors(page, "30分間停止しています")
    expect(summary(page)).to_contain_text("0120-442-208")
    fill(page, customer, login_id=unique(), email="taro@example.jp")
    next_step(page)
    expect_errors(page, "30分間停止しています")
    assert_accessible(page)


def test_an_existing_account_and_a_taken_login_id_are_told_after_a_right_pair(app, page: Page):
    registered = app.customer(kind="registered")
    open_form(app, page)
    fill(page, registered, login_id=unique(), email="taro@example.jp")
    next_step(page)
    expect_errors(page, "このお客様番号のマイページアカウントは既に作成されています。")

    fill(page, new_customer(app), login_id=registered["login_id"].upper(), email="taro@example.jp")
    next_step(page)
    expect_errors(page, "このログインIDは既に使われています。")


def test_full_width_input_is_converted_and_shown_converted(app, page: Page):
    customer = new_customer(app)
    login_id = unique("Zen")
    wide = login_id.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    open_form(app, page)
    fill(
        page,
        {
            **customer,
            "customer_number": customer["customer_number"].translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
        },
        login_id=wide,
        email="ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
        password="Ｋｘ７ｍＱ２ｖＲｐ９",
        code="",
        captcha="ＰＡＳＳＥＤ",
    )
    # Typed full-width into the code boxes, the code turns half-width at once.
    boxes(page).first.focus()
    page.keyboard.insert_text(
        customer["auth_code"].replace("-", "").translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    )
    assert "-".join(box_values(page)) == customer["auth_code"]
    page.get_by_label("ログインID").fill(wide[:3])  # too short, so the form comes back
    next_step(page)
    expect_errors(page, "ログインIDは、半角英数4文字以上20文字以内で入力してください。")
    expect(page.get_by_label("ログインID")).to_have_value(login_id[:3])
    expect(page.get_by_label("メールアドレス1")).to_have_value("taro@example.jp")
    expect(page.get_by_label("お客様番号")).to_have_value(customer["customer_number"])

    page.get_by_label("ログインID").fill(wide)
    page.get_by_label("パスワード", exact=True).fill("Ｋｘ７ｍＱ２ｖＲｐ９")
    page.get_by_label("パスワード(確認)").fill(PASSWORD)
    page.get_by_label("画像認証").fill("ＰＡＳＳＥＤ")
    next_step(page)
    expect(page).to_have_url(app(routes.REGISTER_CONFIRM))
    expect(page.get_by_role("table")).to_contain_text(login_id)


@pytest.mark.parametrize("pasted", ["{a}-{b}-{c}", "{a} {b} {c}", "{a}{b}{c}", "{a} - {b} - {c}\n", "WIDE"])
def test_pasting_a_whole_code_into_the_first_box_fills_all_three(app, page: Page, pasted: str):
    open_form(app, page)
    a, b, c = "AbCd", "eFgH", "2345"
    text = pasted.format(a=a, b=b, c=c) if pasted != "WIDE" else "ＡｂＣｄ－ｅＦｇＨ－２３４５"
    boxes(page).first.focus()
    paste(page, text)
    assert box_values(page) == [a, b, c]
    expect(boxes(page).nth(2)).to_be_focused()


def test_typing_moves_to_the_next_box_and_backspace_goes_back(app, page: Page):
    open_form(app, page)
    boxes(page).first.click()
    page.keyboard.type("AbCd")
    expect(boxes(page).nth(1)).to_be_focused()
    page.keyboard.type("eFgH23")
    expect(boxes(page).nth(2)).to_be_focused()
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(boxes(page).nth(1)).to_be_focused()
    assert box_values(page) == ["AbCd", "eFg", ""]


def test_back_keeps_the_values_but_not_the_passwords_or_captcha(app, page: Page):
    customer = new_customer(app)
    login_id = unique()
    open_form(app, page)
    fill(page, customer, login_id=login_id, email="back@example.jp")
    next_step(page)
    expect(page).to_have_url(app(routes.REGISTER_CONFIRM))
    page.get_by_role("button", name="戻る").click()
    expect(page).to_have_url(app(routes.REGISTER))
    expect(page.get_by_label("ログインID")).to_have_value(login_id)
    expect(page.get_by_label("メールアドレス1")).to_have_value("back@example.jp")
    expect(page.get_by_label("お客様番号")).to_have_value(customer["customer_number"])
    assert "-".join(box_values(page)) == customer["auth_code"]
    for label in ("パスワード", "パスワード(確認)", "画像認証"):
        expect(page.get_by_label(label, exact=True)).to_have_value("")
    expect(summary(page)).to_be_hidden()


def test_the_code_never_comes_back_from_the_server(app, page: Page):
    customer = new_customer(app)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))
    open_form(app, page)
    fill(page, customer, login_id=unique(), email="taro@example.jp")
    next_step(page)
    expect(page).to_have_url(app(routes.REGISTER_CONFIRM))
    code = customer["auth_code"].replace("-", "")
    assert frames and not any(code in f or customer["auth_code"] in f or PASSWORD in f for f in frames)


def test_keyboard_only(app, page: Page, mail):
    customer = new_customer(app)
    login_id, email = unique("Key"), f"{unique('k')}@example.jp"
    open_form(app, page)
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == "field-login_id":
            break
        page.keyboard.press("Tab")
    expect(page.get_by_label("ログインID")).to_be_focused()
    for value in (login_id, PASSWORD, PASSWORD, email, customer["customer_number"]):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    expect(boxes(page).first).to_be_focused()
    page.keyboard.type(customer["auth_code"].replace("-", ""))
    expect(boxes(page).nth(2)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="別の画像に変更")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="音声で聞く")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("画像認証")).to_be_focused()
    page.keyboard.type("PASSED")
    page.keyboard.press("Enter")
    expect(page).to_have_url(app(routes.REGISTER_CONFIRM))
    for _ in range(30):
        if page.evaluate("document.activeElement.textContent") == "登録する":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(app(routes.REGISTER_SENT))
    link = LINK.search(mail_text(mail.wait_for(email))).group(1)
    page.goto(link)
    wait_for_app(page)
    expect(page.get_by_role("button", name="メールアドレスを認証する")).to_be_visible()
    for _ in range(30):
        if page.evaluate("document.activeElement.textContent") == "メールアドレスを認証する":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("✔ アカウントを認証しました。")).to_be_visible()
    assert account_of(app, login_id).status == "active"


def test_resend_is_throttled(app, page: Page, mail):
    _, email, _ = register(app, page, mail)
    resend = page.get_by_role("button", name="確認メールを再送信")
    for count in (2, 3, 4):
        resend.click()
        mail.wait_for(email, count=count)
        expect(page.get_by_text(f"{email} 宛てに確認メールを再送信しました。")).to_be_visible()
    resend.click()
    expect(page.get_by_text("確認メールの再送信は1時間に3回までです。", exact=False)).to_be_visible()
    assert len(mail.to(email)) == 4
    assert_accessible(page)


def test_an_unknown_link_explains_what_to_do(app, page: Page):
    page.goto(app(f"{routes.VERIFY}?token=made-up"))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="このURLは無効です")).to_be_visible()
    expect(page.get_by_role("link", name="新規アカウント作成")).to_be_visible()
    assert_accessible(page)


def test_an_expired_link_offers_a_new_mail(app, page: Page, mail):
    login_id, email, link = register(app, page, mail)
    with app.db() as db:
        account = db.exec(select(Account).where(Account.login_id_folded == login_id.lower())).one()
        for token in db.exec(select(EmailToken).where(EmailToken.account_id == account.id)):
            token.expires_at = registration.utcnow() - dt.timedelta(minutes=1)
            db.add(token)
        db.commit()
    page.goto(link)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="このURLは有効期限が切れています")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="確認メールを再送信").click()
    expect(page.get_by_text("確認メールを再送信しました。")).to_be_visible()
    new_link = LINK.search(mail_text(mail.wait_for(email, count=2))).group(1)
    page.goto(new_link)
    wait_for_app(page)
    page.get_by_role("button", name="メールアドレスを認証する").click()
    expect(page.get_by_text("✔ アカウントを認証しました。")).to_be_visible()


def test_confirm_and_sent_need_the_steps_before(app, page: Page):
    for path in (routes.REGISTER_CONFIRM, routes.REGISTER_SENT):
        page.goto(app(path))
        expect(page).to_have_url(app(routes.REGISTER))
