"""マイページアカウント作成: the guide's fields and notes, errors beside each field and on top."""

import reflex as rx

from mypage import routes, styles
from mypage.accounts.validation import CODE_PARTS, LOGIN_ID_MAX, LOGIN_ID_MIN, password_rule
from mypage.components.captcha_audio import audio_captcha
from mypage.components.forms import error_summary, field, required_badge
from mypage.components.layout import BRAND, template
from mypage.settings import get_settings
from mypage.state.forms import field_id
from mypage.state.register import RegisterState

SETTINGS = get_settings()
NOTICE_TEXT = "「マイページ認証コード通知書」に記載されております"
CODE_HINT, CODE_ERROR = field_id("auth_code") + "-hint", field_id("auth_code") + "-error"


def important_notice() -> rx.Component:
    """The guide's 控えておく warning."""
    return rx.box(
        rx.text("※※※ ここで入力する項目は、大変重要な情報となります。 ※※※", weight="bold"),
        rx.text("※※※ 必ず控えておくことをお願い致します。 ※※※", weight="bold"),
        style={**styles.card, "background": styles.ACCENT, "text_align": "center"},
    )


def section(title: str, lead: str, *children: rx.Component) -> rx.Component:
    """A titled group of fields, as the guide lays them out."""
    return rx.box(
        rx.vstack(
            rx.heading(title, as_="h2", size="5"),
            rx.text(lead, color=styles.MUTED),
            *children,
            spacing="4",
            width="100%",
        ),
        style=styles.card,
    )


def email_notes() -> rx.Component:
    """受信制限 domain and the privacy notice, under メールアドレス1."""
    return rx.box(
        rx.text(
            "ドメイン指定などのメール受信制限を利用されている場合、"
            "以下のドメインからのメールが受信できるよう設定をお願いします。",
            size="2",
        ),
        rx.text(f"@{BRAND.mail_domain}", weight="bold", size="3"),
        rx.text(
            "※ 弊社プライバシーポリシーに準じて、弊社からのお知らせなどに使用させていただく場合がございます。",
            size="2",
            color=styles.MUTED,
        ),
        width="100%",
    )


def code_box(index: int) -> rx.Component:
    """One of the three 4-character boxes of 認証コード."""
    name = CODE_PARTS[index]
    error = RegisterState.errors["auth_code"]
    return rx.el.input(
        id=field_id(name),
        name=name,
        type="text",
        aria_label=f"認証コード {index + 1}番目の4文字",
        aria_describedby=f"{CODE_HINT} {CODE_ERROR}",
        aria_invalid=rx.cond(error != "", "true", "false"),
        auto_complete="off",
        auto_capitalize="off",
        spell_check=False,
        size=4,
        custom_attrs={"data-code-box": "", "autocorrect": "off"},
        style={
            "flex": "1 1 0",
            "min_width": "0",
            "max_width": "7rem",
            "min_height": styles.TOUCH_TARGET,
            "font_size": "var(--font-size-4)",
            "font_family": "ui-monospace, 'Noto Sans Mono', monospace",
            "letter_spacing": "0.15em",
            "text_align": "center",
            "border": rx.cond(error != "", f"2px solid {styles.ERROR}", f"1px solid {styles.BORDER}"),
            "border_radius": "0.375rem",
            "background": "white",
            "color": styles.TEXT,
        },
    )


def code_fieldset() -> rx.Component:
    """認証コード: a fieldset whose legend names it, three boxes shown as "Ab3D - eF4g - H5jK"."""
    error = RegisterState.errors["auth_code"]
    dash = rx.text("-", aria_hidden="true", size="4", weight="bold")
    return rx.el.fieldset(
        rx.el.legend(
            rx.text("認証コード", weight="bold", as_="span"),
            rx.el.span(required_badge(), style={"margin_left": "0.5rem"}),
            style={"padding": "0"},
        ),
        rx.text(
            f"{NOTICE_TEXT}『認証コード』を入力して下さい。大文字・小文字の区別があります。",
            id=CODE_HINT,
            size="2",
            color=styles.MUTED,
        ),
        rx.flex(
            code_box(0),
            dash,
            code_box(1),
            dash,
            code_box(2),
            align="center",
            gap="0.5rem",
            width="100%",
            custom_attrs={"data-code-boxes": ""},
        ),
        rx.text(rx.cond(error != "", "⚠ " + error, ""), id=CODE_ERROR, role="alert", style=styles.error_text),
        style={"border": "none", "padding": "0", "margin": "0", "width": "100%", "min_width": "0"},
    )


def captcha_field() -> rx.Component:
    """画像認証: as in the guide, the label, then the digits in an image (with 別の画像に変更), then the box."""
    picture = rx.flex(
        rx.image(
            src=RegisterState.captcha_src,
            alt="画像認証の数字（4桁）",
            width="200px",
            height="70px",
            style={"border": f"1px solid {styles.BORDER}", "background": "white"},
        ),
        rx.button(
            "別の画像に変更",
            type="button",
            variant="outline",
            on_click=RegisterState.change_captcha,
            style=styles.button,
        ),
        align="center",
        wrap="wrap",
        gap="0.75rem",
        margin_y="0.5rem",
    )
    picture = rx.vstack(picture, audio_captcha(RegisterState.captcha_audio), spacing="2", margin_y="0.5rem")
    box = field(
        "画像認証",
        "captcha",
        required=True,
        error=RegisterState.errors["captcha"],
        hint=(
            "画面に表示されている数字をご入力ください。画像が読み取りにくい場合は「別の画像に変更」を、"
            "音声で聞く場合は「音声で聞く」を押してください。"
        ),
        auto_complete="off",
        input_mode="numeric",
        placeholder="表示数字を入力",
    )
    # Between the label with its hint and the text box, where the guide shows the image.
    box.children.insert(2, picture)
    return box


def registration_form() -> rx.Component:
    """All the guide's fields, 戻る and 次へ."""
    errors = RegisterState.errors
    return rx.form(
        rx.vstack(
            section(
                "マイページアカウント",
                "任意の内容を入力ください",
                field(
                    "ログインID",
                    "login_id",
                    required=True,
                    error=errors["login_id"],
                    hint=f"ログインIDは、半角英数{LOGIN_ID_MIN}文字以上{LOGIN_ID_MAX}文字以内で入力してください。",
                    auto_complete="username",
                    auto_capitalize="off",
                    spell_check=False,
                ),
                field(
                    "パスワード",
                    "password",
                    type_="password",
                    required=True,
                    error=errors["password"],
                    hint=password_rule() + "ログインIDと同じものや、推測されやすいものは使えません。",
                    auto_complete="new-password",
                ),
                field(
                    "パスワード(確認)",
                    "password_confirm",
                    type_="password",
                    required=True,
                    error=errors["password_confirm"],
                    hint="確認のため、再度、パスワードの入力をお願いします。",
                    auto_complete="new-password",
                ),
                field(
                    "メールアドレス1",
                    "email",
                    type_="email",
                    required=True,
                    error=errors["email"],
                    hint="入力後、登録完了に必要なメールが送信されます。ご利用可能なメールアドレスを入力してください",
                    auto_complete="email",
                ),
                email_notes(),
            ),
            section(
                "お客様番号・認証コード",
                "「お客様番号」「認証コード」記載書類を参考にして入力ください",
                field(
                    "お客様番号",
                    "customer_number",
                    required=True,
                    error=errors["customer_number"],
                    hint=f"{NOTICE_TEXT}『お客様番号』を入力して下さい。",
                    auto_complete="off",
                ),
                code_fieldset(),
                captcha_field(),
            ),
            rx.text("すべて入力後「次へ」を押してください。"),
            rx.hstack(
                rx.link("戻る", href=routes.LOGIN, style=styles.link_button),
                rx.button("次へ", type="submit", style=styles.primary_button),
                spacing="3",
                justify="center",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=RegisterState.submit,
        width="100%",
        no_validate=True,
    )


@template(route=routes.REGISTER, title="マイページアカウント作成", on_load=RegisterState.open_form)
def register_page() -> rx.Component:
    """The registration form."""
    return rx.vstack(
        rx.script(src="/register.js"),
        error_summary(
            RegisterState.error_items,
            "error-summary",
            lead="次の項目をご確認のうえ、もう一度「次へ」を押してください。",
            attempt=RegisterState.attempt,
        ),
        important_notice(),
        registration_form(),
        spacing="4",
        width="100%",
    )
