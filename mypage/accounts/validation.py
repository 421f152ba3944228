"""Field rules of the portal's forms, with the Japanese message each field shows.

Every value is NFKC-normalized first (the guide: full-width input is converted to
half-width), and the form shows the converted value. The rules only look at the
text; whether a login ID is taken or a code pair matches is for mypage.accounts.registration.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping

import email_validator
import zxcvbn

from mypage.security import CODE_GROUP_LENGTH, CODE_GROUPS, nfkc, normalize_auth_code
from mypage.settings import Settings, get_settings

LOGIN_ID_MIN, LOGIN_ID_MAX = 4, 20
CUSTOMER_NUMBER_MAX = 20
EMAIL_MAX = 254
CAPTCHA_MAX = 16
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_CUSTOMER_NUMBER = re.compile(r"[A-Za-z0-9-]+")

# Field names, in the order the form shows them; the error summary keeps this order.
LOGIN_ID = "login_id"
PASSWORD = "password"
PASSWORD_CONFIRM = "password_confirm"
EMAIL = "email"
CUSTOMER_NUMBER = "customer_number"
AUTH_CODE = "auth_code"
CAPTCHA = "captcha"
LABELS = {
    LOGIN_ID: "ログインID",
    PASSWORD: "パスワード",
    PASSWORD_CONFIRM: "パスワード(確認)",
    EMAIL: "メールアドレス1",
    CUSTOMER_NUMBER: "お客様番号",
    AUTH_CODE: "認証コード",
    CAPTCHA: "画像認証",
}
FIELDS = tuple(LABELS)
# The form's three code boxes submit under these names.
CODE_PARTS = tuple(f"code{i}" for i in range(1, CODE_GROUPS + 1))


def required(field: str) -> str:
    """The message for an empty required field."""
    return f"{LABELS[field]}を入力してください。"


def login_id_error(login_id: str) -> str | None:
    """The guide's rule for a login ID: 半角英数 4–20."""
    if not login_id:
        return required(LOGIN_ID)
    if not (_ALNUM.fullmatch(login_id) and LOGIN_ID_MIN <= len(login_id) <= LOGIN_ID_MAX):
        return f"ログインIDは、半角英数{LOGIN_ID_MIN}文字以上{LOGIN_ID_MAX}文字以内で入力してください。"
    return None


def password_rule(settings: Settings | None = None) -> str:
    """The password rule as forms state it: the guide's 半角英数, or MYPAGE_PASSWORD_POLICY=asvs's."""
    settings = settings or get_settings()
    low, high = settings.password_min, settings.password_max
    if settings.password_policy == "asvs":
        return f"パスワードは、{low}文字以上{high}文字以内で入力してください（記号や空白も使えます）。"
    return f"パスワードは、半角英数{low}文字以上{high}文字以内で入力してください。"


def _allowed(password: str, settings: Settings) -> bool:
    if not settings.password_min <= len(password) <= settings.password_max:
        return False
    if settings.password_policy == "asvs":
        return password.isprintable()  # letters of any script, digits, symbols and spaces
    return _ALNUM.fullmatch(password) is not None


def password_error(password: str, login_id: str = "", settings: Settings | None = None) -> str | None:
    """The rules for a new password: 半角英数 in the configured lengths, not the login ID, not common.

    Args:
        password: The password, already NFKC-normalized (see `normalize_password`).
        login_id: The account's login ID, which the password may not contain.
        settings: For password_min / password_max; the process's by default.

    Returns:
        The message to show next to パスワード, or None when the password is acceptable.
    """
    settings = settings or get_settings()
    if not password:
        return required(PASSWORD)
    if not _allowed(password, settings):
        return password_rule(settings)
    if login_id and login_id.lower() in password.lower():
        return "パスワードにログインIDを含めることはできません。別のパスワードを入力してください。"
    if is_common_password(password, login_id):
        return "このパスワードは推測されやすいため使用できません。別のパスワードを入力してください。"
    return None


def is_common_password(password: str, login_id: str = "") -> bool:
    """Whether zxcvbn finds the password among its common ones or trivially guessable (score 0)."""
    # zxcvbn's cost grows with length; beyond 50 characters a password is not common anyway.
    result = zxcvbn.zxcvbn(password[:50], user_inputs=[login_id] if login_id else [])
    return result["score"] == 0


def confirm_error(password: str, confirm: str) -> str | None:
    """パスワード(確認) must repeat パスワード."""
    if not confirm:
        return "確認のため、再度、パスワードの入力をお願いします。"
    if password != confirm:
        return "パスワードとパスワード(確認)が一致しません。もう一度入力してください。"
    return None


def validate_password(
    password: str, login_id: str = "", confirm: str | None = None, settings: Settings | None = None
) -> str | None:
    """The first problem with a new password and its confirmation, for forms with one message.

    Args:
        password: The new password as typed; it is NFKC-normalized here.
        login_id: The account's login ID.
        confirm: The confirmation as typed, or None when the form has none.
        settings: For the lengths; the process's by default.

    Returns:
        A Japanese message, or None when the password can be set.
    """
    password = normalize_password(password)
    problem = password_error(password, nfkc(login_id), settings)
    if problem is None and confirm is not None:
        problem = confirm_error(password, normalize_password(confirm))
    return problem


def normalize_password(password: str) -> str:
    """A password as it is checked, hashed and compared at login: NFKC, not trimmed."""
    return unicodedata.normalize("NFKC", password or "")


def normalize_email(email: str) -> tuple[str, str | None]:
    """The address as it will be stored, and the message when it is not a valid one.

    Syntax only: no DNS look-up, so an address of a new domain is not refused.
    """
    email = nfkc(email)
    if not email:
        return email, required(EMAIL)
    if len(email) > EMAIL_MAX:
        return email, "メールアドレスが長すぎます。"
    try:
        checked = email_validator.validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except email_validator.EmailNotValidError:
        return email, "メールアドレスの形式が正しくありません。例: taro@example.jp"
    return checked.normalized, None


def customer_number_error(number: str) -> str | None:
    """お客様番号: half-width letters, digits and hyphens as printed on the letter."""
    if not number:
        return required(CUSTOMER_NUMBER)
    if len(number) > CUSTOMER_NUMBER_MAX or not _CUSTOMER_NUMBER.fullmatch(number):
        return "お客様番号は、通知書に記載のとおり半角英数字で入力してください。"
    return None


def auth_code_error(code: str) -> str | None:
    """認証コード: 12 half-width letters and digits, 4 in each box."""
    if not code:
        return required(AUTH_CODE)
    size = CODE_GROUPS * CODE_GROUP_LENGTH
    if len(code) != size or not _ALNUM.fullmatch(code):
        return f"認証コードは、通知書に記載の半角英数字{size}文字を{CODE_GROUP_LENGTH}文字ずつ入力してください。"
    return None


def captcha_error(answer: str) -> str | None:
    """画像認証: something must be typed; whether it is right, mypage.accounts.captcha decides."""
    if not answer:
        return "画像に表示されている数字を入力してください。"
    return None


@dataclasses.dataclass(frozen=True)
class Registration:
    """What the マイページアカウント作成 form submitted, normalized."""

    login_id: str = ""
    password: str = ""
    password_confirm: str = ""
    email: str = ""
    customer_number: str = ""
    auth_code: str = ""
    captcha: str = ""

    @classmethod
    def from_form(cls, data: Mapping[str, object]) -> Registration:
        """Read the fields this form asks for and ignore anything else a client sends.

        The code comes as code1..code3 (the three boxes) or whole as auth_code.
        """

        def text(name: str, limit: int = 200) -> str:
            value = data.get(name)
            # A client may send anything; a huge value is refused by its rule, not processed.
            return value[: limit * 4] if isinstance(value, str) else ""

        code = "".join(text(name) for name in CODE_PARTS) or text(AUTH_CODE)
        return cls(
            login_id=nfkc(text(LOGIN_ID)),
            password=normalize_password(text(PASSWORD)),
            password_confirm=normalize_password(text(PASSWORD_CONFIRM)),
            email=nfkc(text(EMAIL, EMAIL_MAX)),
            customer_number=nfkc(text(CUSTOMER_NUMBER)),
            auth_code=normalize_auth_code(code),
            captcha=nfkc(text(CAPTCHA, CAPTCHA_MAX)),
        )


def check_registration(form: Registration, settings: Settings | None = None) -> tuple[Registration, dict]:
    """Every field rule of the form at once.

    Args:
        form: The normalized input.
        settings: For the password lengths; the process's by default.

    Returns:
        The input with the e-mail address in its normalized form, and the messages
        by field name (empty when every rule holds), in the form's order.
    """
    email, email_problem = normalize_email(form.email)
    form = dataclasses.replace(form, email=email)
    login_problem = login_id_error(form.login_id)
    problems = {
        LOGIN_ID: login_problem,
        PASSWORD: password_error(form.password, "" if login_problem else form.login_id, settings),
        PASSWORD_CONFIRM: confirm_error(form.password, form.password_confirm),
        EMAIL: email_problem,
        CUSTOMER_NUMBER: customer_number_error(form.customer_number),
        AUTH_CODE: auth_code_error(form.auth_code),
        CAPTCHA: captcha_error(form.captcha),
    }
    return form, {field: message for field, message in problems.items() if message}
