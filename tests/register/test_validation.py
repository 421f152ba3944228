"""Field rules of マイページアカウント作成, shared with the login engineer's password change."""

import dataclasses

import pytest

from mypage import settings as settings_module
from mypage.accounts import validation as v
from tests.register.factories import form


def errors_of(**fields):
    return v.check_registration(form(code="ABCDEFGHJKLM", customer_number="1234567", **fields))[1]


def test_a_valid_form_has_no_errors():
    assert errors_of() == {}


def test_an_empty_form_shows_every_error_at_once_in_the_forms_order():
    _, errors = v.check_registration(v.Registration())
    assert list(errors) == list(v.FIELDS)
    assert errors[v.LOGIN_ID] == "ログインIDを入力してください。"
    assert errors[v.PASSWORD_CONFIRM] == "確認のため、再度、パスワードの入力をお願いします。"


@pytest.mark.parametrize("login_id", ["abcd", "A1b2C3d4E5f6G7h8I9j0", "1234"])
def test_login_ids_of_4_to_20_letters_and_digits(login_id):
    assert v.login_id_error(login_id) is None


@pytest.mark.parametrize("login_id", ["abc", "A1b2C3d4E5f6G7h8I9j0x", "taro_01", "taro 01", "たろう01", "taro@1"])
def test_other_login_ids_get_the_guides_rule(login_id):
    assert v.login_id_error(login_id) == "ログインIDは、半角英数4文字以上20文字以内で入力してください。"


def test_full_width_input_is_converted_before_it_is_checked():
    raw = {
        "login_id": "ＡＯＭＯＲＩ０１",
        "password": "Ｋｘ７ｍＱ２ｖＲｐ９",
        "password_confirm": "Kx7mQ2vRp9",
        "email": "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
        "customer_number": "１２３４５６７",
        "code1": "ＡＢＣＤ",
        "code2": "efgh",
        "code3": "ＪＫＬＭ",
        "captcha": "１２３４",
    }
    checked, errors = v.check_registration(v.Registration.from_form(raw))
    assert errors == {}
    assert (checked.login_id, checked.email, checked.customer_number) == ("AOMORI01", "taro@example.jp", "1234567")
    assert (checked.auth_code, checked.captcha, checked.password) == ("ABCDefghJKLM", "1234", "Kx7mQ2vRp9")


def test_the_form_reads_only_its_own_fields_and_only_text():
    got = v.Registration.from_form({"login_id": ["x"], "password": 5, "is_admin": "1", "auth_code": "ABCD-EFGH-JKLM"})
    assert got == v.Registration(auth_code="ABCDEFGHJKLM")


def test_a_pasted_code_with_hyphens_or_spaces_is_joined():
    assert v.Registration.from_form({"code1": "ABCD - EFGH　JKLM"}).auth_code == "ABCDEFGHJKLM"


@pytest.mark.parametrize("password", ["Kx7mQ2", "Kx7mQ2vRp9" * 5])
def test_passwords_of_6_to_50_letters_and_digits(password):
    assert v.password_error(password, "aomori01") is None


@pytest.mark.parametrize("password", ["Kx7mQ", "Kx7mQ2vRp9" * 5 + "a", "Kx7mQ2-vRp9", "Kx7mQ2 vRp9", "パスワード123"])
def test_other_passwords_get_the_guides_rule(password):
    assert v.password_error(password, "aomori01") == "パスワードは、半角英数6文字以上50文字以内で入力してください。"


@pytest.mark.parametrize("password", ["aomori01", "AOMORI01x9", "x9Aomori01"])
def test_a_password_may_not_contain_the_login_id(password):
    assert "ログインID" in v.password_error(password, "aomori01")


@pytest.mark.parametrize("password", ["password1", "123456", "qwerty123", "abcdef", "aaaaaaaa", "iloveyou"])
def test_common_passwords_are_refused(password):
    assert v.password_error(password, "aomori01") == (
        "このパスワードは推測されやすいため使用できません。別のパスワードを入力してください。"
    )


def test_password_lengths_come_from_the_settings():
    strict = settings_module.load({"MYPAGE_PASSWORD_MIN": "12", "MYPAGE_PASSWORD_MAX": "64"})
    assert v.password_error("Kx7mQ2vRp9", settings=strict) == (
        "パスワードは、半角英数12文字以上64文字以内で入力してください。"
    )
    assert v.password_error("Kx7mQ2vRp9Zt", settings=strict) is None


def test_the_confirmation_must_repeat_the_password():
    assert v.confirm_error("Kx7mQ2vRp9", "Kx7mQ2vRp8") == (
        "パスワードとパスワード(確認)が一致しません。もう一度入力してください。"
    )
    assert v.confirm_error("Kx7mQ2vRp9", "Kx7mQ2vRp9") is None


def test_validate_password_gives_the_first_problem_for_one_message_forms():
    assert v.validate_password("Ｋｘ７ｍＱ２ｖＲｐ９", "aomori01", "Kx7mQ2vRp9") is None
    assert v.validate_password("Kx7mQ2vRp9", "aomori01", "other") is not None
    assert "半角英数" in v.validate_password("abc", "aomori01", "abc")
    assert v.validate_password("Kx7mQ2vRp9", "aomori01") is None


@pytest.mark.parametrize(
    "email",
    [
        "taro",
        "taro@",
        "@example.jp",
        "taro@@example.jp",
        "たろう@example.jp",
        "taro@example",
        "a" * 250 + "@example.jp",
    ],
)
def test_invalid_addresses(email):
    assert v.normalize_email(email)[1] is not None


def test_addresses_are_normalized_without_a_dns_look_up():
    assert v.normalize_email(" Taro.Yamada@EXAMPLE.JP ") == ("Taro.Yamada@example.jp", None)
    assert v.normalize_email("someone@no-such-domain-mypage.invalid.jp")[1] is None


@pytest.mark.parametrize(
    "number,ok",
    [("1234567", True), ("AB-123", True), ("", False), ("123 456", False), ("1" * 21, False), ("番号", False)],
)
def test_customer_numbers(number, ok):
    assert (v.customer_number_error(number) is None) is ok


@pytest.mark.parametrize(
    "code,ok",
    [("ABCDefgh2345", True), ("ABCDefgh234", False), ("ABCDefgh23456", False), ("ABCD_efgh_23", False), ("", False)],
)
def test_auth_codes(code, ok):
    assert (v.auth_code_error(code) is None) is ok


def test_every_field_error_names_the_field_in_plain_japanese():
    _, errors = v.check_registration(dataclasses.replace(v.Registration(), login_id="x", email="bad"))
    assert errors[v.LOGIN_ID].startswith("ログインIDは")
    assert errors[v.EMAIL].startswith("メールアドレスの形式")
    assert errors[v.CAPTCHA] == "画像に表示されている数字を入力してください。"
