"""A local test payment gateway: its own small ASGI app, on its own port.

It plays the part of a hosted payment page (as Japanese and global gateways offer):
the card form is the gateway's, so card numbers exist only in this process and never
reach the portal. Run it with `python -m testgateway --port 3001`.

- GET  /checkout?return_url=…&state=…&sig=…  the card form. `sig` is an HMAC of the
  return URL and state with the shared secret, so nobody else can use the gateway to
  send a subscriber to some other site.
- POST /checkout  checks the card (Luhn, expiry not past, CVC 3–4 digits, 名義人); on
  success 303 to return_url?token=…&state=…, a one-time token. Cancel: return_url?state=…&result=cancel.
- GET  /pay?return_url=…&state=…&amount=…&order_id=…&sig=…  a one-off payment of `amount` yen for
  `order_id`, signed by the portal (so the browser cannot change the amount). POST /pay charges
  the card once per order (a second charge of the same order is refused, as real gateways refuse a
  reused order ID) and 303s to return_url?token=…&state=….
- POST /api/charge  server to server, {"token": …} → {"charge_id", "order_id", "amount", "brand",
  "last4", "state"}; each token once.
- POST /api/exchange  server to server (Authorization: Bearer <secret>), {"token": …}
  → {"brand", "last4", "exp_month", "exp_year", "card_id", "state"}; each token once, for 10 minutes.

The gateway keeps no card number: only what the exchange answers.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hmac
import html
import secrets
import threading
import time
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mypage.billing.payments import sign_charge
from mypage.billing.payments import sign_checkout as sign
from mypage.settings import get_settings

TOKEN_LIFETIME = 600.0
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def luhn_ok(number: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    """The card brand from the number's first digits."""
    if number.startswith("4"):
        return "VISA"
    if number[:2] in ("51", "52", "53", "54", "55") or 2221 <= int(number[:4]) <= 2720:
        return "Mastercard"
    if number[:2] in ("34", "37"):
        return "American Express"
    if number[:2] == "35":
        return "JCB"
    if number[:2] in ("30", "36", "38", "39"):
        return "Diners Club"
    return "その他"


@dataclasses.dataclass(frozen=True)
class Card:
    """What the gateway answers about a registered card."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    card_id: str
    state: str


def check_card(form: dict[str, str], today: dt.date) -> tuple[dict[str, str], Card | None]:
    """The form's errors by field, or the card (without its number) when all is well."""
    errors: dict[str, str] = {}
    number = "".join(ch for ch in unicodedata.normalize("NFKC", form.get("number", "")) if ch not in " -")
    if not (number.isdigit() and 12 <= len(number) <= 19 and luhn_ok(number)):
        errors["number"] = "カード番号が正しくありません。ご確認のうえ、もう一度入力してください。"
    month_text = unicodedata.normalize("NFKC", form.get("exp_month", "")).strip()
    year_text = unicodedata.normalize("NFKC", form.get("exp_year", "")).strip()
    month = int(month_text) if month_text.isdigit() else 0
    year = int(year_text) if year_text.isdigit() else 0
    if year and year < 100:
        year += 2000
    if not (1 <= month <= 12 and year >= 2000):
        errors["exp"] = "有効期限を月（1〜12）と年（例：2029）で入力してください。"
    elif (year, month) < (today.year, today.month):
        errors["exp"] = "有効期限が過ぎています。"
    cvc = unicodedata.normalize("NFKC", form.get("cvc", "")).strip()
    if not (cvc.isdigit() and 3 <= len(cvc) <= 4):
        errors["cvc"] = "セキュリティコードは3桁または4桁の数字で入力してください。"
    if not unicodedata.normalize("NFKC", form.get("holder", "")).strip():
        errors["holder"] = "名義人を入力してください。"
    if errors:
        return errors, None
    card = Card(brand_of(number), number[-4:], month, year, f"tgw_card_{secrets.token_hex(8)}", form["state"])
    return {}, card


@dataclasses.dataclass(frozen=True)
class Charge:
    """What the gateway answers about a one-off charge it has made."""

    charge_id: str
    order_id: str
    amount: int
    brand: str
    last4: str
    state: str


class TokenStore:
    """One-time tokens for registered cards (or charges made), kept in memory for a few minutes."""

    def __init__(self) -> None:
        self._cards: dict[str, tuple[float, Card]] = {}
        self._lock = threading.Lock()

    def issue(self, card: Card | Charge) -> str:
        """A new token for a card just registered."""
        token = f"tgw_tok_{secrets.token_urlsafe(24)}"
        with self._lock:
            now = time.monotonic()
            self._cards = {k: v for k, v in self._cards.items() if v[0] > now}
            self._cards[token] = (now + TOKEN_LIFETIME, card)
        return token

    def redeem(self, token: str) -> Card | Charge | None:
        """The card of a live token, once; None for an unknown, used or expired token."""
        with self._lock:
            found = self._cards.pop(token, None)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]


def _with_query(url: str, **params: str) -> str:
    parts = urlparse(url)
    query = [*parse_qsl(parts.query), *params.items()]
    return urlunparse(parts._replace(query=urlencode(query)))


_CSS = """
body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a;
font-size:18px;line-height:1.6}
main{max-width:32rem;margin:0 auto;padding:1rem}
.box{background:#fff;border:1px solid #c9d1d9;border-radius:8px;padding:1.25rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
label,legend{display:block;font-weight:bold;margin-bottom:.25rem}
fieldset{border:0;padding:0;margin:0}
input{font-size:1.1rem;padding:.5rem;min-height:44px;box-sizing:border-box;width:100%;
border:1px solid #6b7280;border-radius:6px}
.field{margin-bottom:1rem}.row{display:flex;gap:.5rem;align-items:center}.row input{width:6rem}
.error{color:#b00020;margin:.25rem 0 0}
.alert{border:2px solid #b00020;background:#fdecee;padding:.75rem;border-radius:6px;margin-bottom:1rem}
button{font-size:1.1rem;min-height:48px;padding:0 1.5rem;background:#0b5cab;color:#fff;border:0;
border-radius:6px;cursor:pointer;width:100%}
a{color:#0b5cab}.note{font-size:.95rem;color:#374151}
"""


def _field(name: str, label: str, errors: dict[str, str], value: str = "", **attrs: str) -> str:
    error = errors.get(name)
    extra = "".join(f' {k.replace("_", "-")}="{html.escape(v)}"' for k, v in attrs.items())
    described = f' aria-invalid="true" aria-describedby="{name}-error"' if error else ""
    message = f'<p class="error" id="{name}-error">{html.escape(error)}</p>' if error else ""
    return (
        f'<div class="field"><label for="{name}">{label}</label>'
        f'<input id="{name}" name="{name}" value="{html.escape(value)}"{extra}{described}>{message}</div>'
    )


def render_form(
    return_url: str,
    state: str,
    sig: str,
    errors: dict[str, str] | None = None,
    holder: str = "",
    charge: tuple[int, str] | None = None,
) -> str:
    """The card form page (a payment of (amount, order_id) with `charge`); the number and CVC are never written back."""
    errors = errors or {}
    title, action, button, back = "クレジットカード情報の入力", "/checkout", "登録する", "カードを登録せずに戻る"
    fields: tuple[tuple[str, str], ...] = (("return_url", return_url), ("state", state), ("sig", sig))
    order = ""
    if charge is not None:
        title, action, button, back = "クレジットカードでのお支払い", "/pay", "支払う", "お支払いをせずに戻る"
        fields = (*fields, ("amount", str(charge[0])), ("order_id", charge[1]))
        order = (
            f'<dl><dt>お支払い金額</dt><dd id="amount">¥{charge[0]:,}</dd>'
            f"<dt>ご注文番号</dt><dd>{html.escape(charge[1])}</dd></dl>"
        )
    exp_error = errors.get("exp")
    exp_described = ' aria-invalid="true" aria-describedby="exp-error"' if exp_error else ""
    summary = (
        (
            '<div class="alert" role="alert"><p style="margin:0">入力内容に誤りがあります。'
            "各項目のメッセージをご確認ください。</p></div>"
        )
        if errors
        else ""
    )
    cancel = html.escape(_with_query(return_url, state=state, result="cancel"))
    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields)
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} | テスト決済ゲートウェイ</title><style>{_CSS}</style></head>
<body><main>
<p class="note">テスト決済ゲートウェイ（カード情報はこの決済ページだけで扱われます）</p>
<div class="box">
<h1>{title}</h1>
{order}
{summary}
<form method="post" action="{action}" novalidate>
{hidden}
{_field("number", "カード番号", errors, inputmode="numeric", autocomplete="cc-number", maxlength="23")}
<fieldset class="field"{' aria-describedby="exp-error"' if exp_error else ""}><legend>有効期限 (月/年)</legend>
<div class="row">
<input id="exp_month" name="exp_month" aria-label="有効期限 月" placeholder="MM" inputmode="numeric"
 autocomplete="cc-exp-month" maxlength="2"{exp_described}><span aria-hidden="true">/</span>
<input id="exp_year" name="exp_year" aria-label="有効期限 年" placeholder="YYYY" inputmode="numeric"
 autocomplete="cc-exp-year" maxlength="4"{exp_described}>
</div>
{f'<p class="error" id="exp-error">{html.escape(exp_error)}</p>' if exp_error else ""}
</fieldset>
{_field("cvc", "セキュリティコード", errors, inputmode="numeric", autocomplete="cc-csc", maxlength="4")}
{_field("holder", "名義人", errors, holder, autocomplete="cc-name")}
<button type="submit">{button}</button>
</form>
<p><a href="{cancel}">{back}</a></p>
<p class="note">テスト用カード番号：4242 4242 4242 4242（VISA）、5555 5555 5555 4444（Mastercard）</p>
</div></main></body></html>"""


def _bad_request(heading: str = "このお手続きは受け付けられません", status: int = 400, back: str = "") -> Response:
    link = f'<p><a href="{html.escape(back)}">マイページに戻る</a></p>' if back else ""
    return HTMLResponse(
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>エラー</title></head>'
        f"<body><main><h1>{html.escape(heading)}</h1>{link}</main></body></html>",
        status_code=status,
        headers=HEADERS,
    )


def create_app(secret: str | None = None) -> Starlette:
    """The gateway's ASGI app; `secret` is shared with the portal (MYPAGE_PAYMENT_GATEWAY_SECRET)."""
    secret = secret or get_settings().payment_gateway_secret
    store, charges = TokenStore(), TokenStore()
    charged_orders: set[str] = set()
    orders_lock = threading.Lock()

    def _signed(params) -> tuple[str, str, str] | None:
        return_url, state, sig = (str(params.get(k, "")) for k in ("return_url", "state", "sig"))
        if not (return_url.startswith(("http://", "https://")) and state):
            return None
        if not hmac.compare_digest(sig, sign(secret, return_url, state)):
            return None
        return return_url, state, sig

    async def checkout_form(request: Request) -> Response:
        signed = _signed(request.query_params)
        if signed is None:
            return _bad_request()
        return HTMLResponse(render_form(*signed), headers=HEADERS)

    async def checkout_submit(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        signed = _signed(form)
        if signed is None:
            return _bad_request()
        errors, card = check_card(form, dt.date.today())
        if card is None:
            return HTMLResponse(
                render_form(*signed, errors=errors, holder=form.get("holder", "")), headers=HEADERS
            )  # 200, as a page the subscriber corrects
        token = store.issue(card)
        return RedirectResponse(_with_query(signed[0], token=token, state=signed[1]), status_code=303, headers=HEADERS)

    def _charge_signed(params) -> tuple[str, str, str, int, str] | None:
        signed = None
        amount_text, order_id = str(params.get("amount", "")), str(params.get("order_id", ""))
        if amount_text.isdigit() and int(amount_text) > 0 and order_id:
            return_url, state, sig = (str(params.get(k, "")) for k in ("return_url", "state", "sig"))
            expected = sign_charge(secret, return_url, state, int(amount_text), order_id)
            if return_url.startswith(("http://", "https://")) and state and hmac.compare_digest(sig, expected):
                signed = (return_url, state, sig, int(amount_text), order_id)
        return signed

    async def pay_form(request: Request) -> Response:
        signed = _charge_signed(request.query_params)
        if signed is None:
            return _bad_request()
        return HTMLResponse(render_form(*signed[:3], charge=signed[3:]), headers=HEADERS)

    async def pay_submit(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        signed = _charge_signed(form)
        if signed is None:
            return _bad_request()
        return_url, state, _, amount, order_id = signed
        errors, card = check_card(form, dt.date.today())
        if card is None:
            page = render_form(*signed[:3], errors=errors, holder=form.get("holder", ""), charge=signed[3:])
            return HTMLResponse(page, headers=HEADERS)
        with orders_lock:
            if order_id in charged_orders:
                back = _with_query(return_url, state=state, result="duplicate")
                return _bad_request("このご注文はお支払い済みです", status=409, back=back)
            charged_orders.add(order_id)
        charge = Charge(f"tgw_ch_{secrets.token_hex(8)}", order_id, amount, card.brand, card.last4, state)
        token = charges.issue(charge)
        return RedirectResponse(_with_query(return_url, token=token, state=state), status_code=303, headers=HEADERS)

    async def _redeem(request: Request, tokens: TokenStore) -> Response:
        supplied = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(supplied.encode(), secret.encode()):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "bad request"}, status_code=400)
        found = tokens.redeem(str(body.get("token", ""))) if isinstance(body, dict) else None
        if found is None:
            return JSONResponse({"error": "unknown or used token"}, status_code=404)
        return JSONResponse(dataclasses.asdict(found))

    async def exchange(request: Request) -> Response:
        return await _redeem(request, store)

    async def charge_result(request: Request) -> Response:
        return await _redeem(request, charges)

    return Starlette(
        routes=[
            Route("/checkout", checkout_form, methods=["GET"]),
            Route("/checkout", checkout_submit, methods=["POST"]),
            Route("/api/exchange", exchange, methods=["POST"]),
            Route("/pay", pay_form, methods=["GET"]),
            Route("/pay", pay_submit, methods=["POST"]),
            Route("/api/charge", charge_result, methods=["POST"]),
            Route("/ping", lambda request: Response("ok"), methods=["GET"]),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    """Serve the test gateway on loopback."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    parser = argparse.ArgumentParser(prog="python -m testgateway", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    Granian(
        "testgateway:create_app",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        factory=True,
        log_level=LogLevels.warning,
    ).serve()


if __name__ == "__main__":
    main()
