"""Every path of the portal; nothing else spells a URL."""

LOGIN = "/"
REGISTER = "/register"
REGISTER_CONFIRM = "/register/confirm"
REGISTER_SENT = "/register/sent"
VERIFY = "/verify"
FORGOT_ID = "/forgot-id"
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password"
EMAIL_CONFIRM = "/account/email-confirm"
HOME = "/home"
CONTRACT = "/contract"
BILLS = "/bills"
INVOICES = "/invoices"
CARD = "/card"
CARD_RETURN = "/card/return"  # where the payment gateway sends the subscriber back
ACCOUNT_SETTINGS = "/account"
NOTICES = "/notices"
NOTICE_DETAIL = "/notices/[notice_id]"
FAQ = "/faq"
TERMS = "/terms"
IMPORTANT = "/important"

# HTTP routes served by the backend beside the websocket (see mypage/http.py).
API_PREFIX = "/_mypage"
CAPTCHA_IMAGE = f"{API_PREFIX}/captcha"
SESSION_START = f"{API_PREFIX}/session/start"
SESSION_END = f"{API_PREFIX}/session/end"
INVOICE_PDF = f"{API_PREFIX}/invoice"
STATEMENT_CSV = f"{API_PREFIX}/statement"

MEMBER_PAGES = (HOME, CONTRACT, BILLS, INVOICES, CARD, ACCOUNT_SETTINGS, NOTICES)

# セキュリティ設定 (issue 13): under ACCOUNT_SETTINGS, so its no-store rule covers it.
SECURITY = "/account/security"
MEMBER_PAGES = (*MEMBER_PAGES, SECURITY)
CAPTCHA_AUDIO = f"{API_PREFIX}/captcha-audio"  # /<challenge id>: 音声で聞く, the image CAPTCHA's digits spoken
