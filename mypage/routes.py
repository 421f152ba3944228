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
EMAIL_CANCEL = "/account/email-cancel"  # the old address's link: cancel a pending change
HOME = "/home"
CONTRACT = "/contract"
BILLS = "/bills"
INVOICES = "/invoices"
CARD = "/card"
CARD_RETURN = "/card/return"  # where the payment gateway sends the subscriber back
BILL_SETTINGS = "/bills/settings"  # Web明細・お知らせ設定
BILL_PAY_RETURN = "/bills/pay/return"  # where the gateway's payment page sends the subscriber back
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
RECEIPT_PDF = f"{API_PREFIX}/receipt"
YEAR_ZIP = f"{API_PREFIX}/year"

MEMBER_PAGES = (HOME, CONTRACT, BILLS, INVOICES, CARD, ACCOUNT_SETTINGS, NOTICES, BILL_SETTINGS)

# The product team's pages, only when MYPAGE_ENV=development (see mypage/outbox.py).
DEV_MAIL = "/dev/mail"
DEV_GALLERY = "/dev/gallery"

# セキュリティ設定 (issue 13): under ACCOUNT_SETTINGS, so its no-store rule covers it.
SECURITY = "/account/security"
MEMBER_PAGES = (*MEMBER_PAGES, SECURITY)
CAPTCHA_AUDIO = f"{API_PREFIX}/captcha-audio"  # /<challenge id>: 音声で聞く, the image CAPTCHA's digits spoken
