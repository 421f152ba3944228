"""セキュリティ設定's rows: the core's formatted lists, handed to the page as they are."""

from mypage.accounts import devices
from mypage.state.views import DeviceRow, SignInRow, device_row, sign_in_row


def test_device_row_keeps_every_field():
    item = devices.Device(7, "Chrome（Windows）", "192.0.2.1", "2026年11月25日 18:00", "2026年11月25日 18:05", True)
    assert device_row(item) == DeviceRow(
        7, "Chrome（Windows）", "192.0.2.1", "2026年11月25日 18:00", "2026年11月25日 18:05", True
    )


def test_sign_in_row_keeps_every_field():
    item = devices.SignIn("2026年11月25日 18:01", "失敗（二段階認証）", False, "不明なブラウザ", "2001:db8::1")
    assert sign_in_row(item) == SignInRow(
        "2026年11月25日 18:01", "失敗（二段階認証）", False, "不明なブラウザ", "2001:db8::1"
    )
