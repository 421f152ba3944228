"""Customers as the operator enters them, and the authentication codes printed on their letters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from mypage.models import Account, AuthCode, Customer, utcnow
from mypage.security import format_auth_code, hash_token, new_auth_code, nfkc

CODE_VALID_DAYS = 90
# Numbers the operator adds by hand start here, clear of the demo's 10000000xx
# and of what the billing system's import brings.
FIRST_ADDED_NUMBER = 2000000001
_NUMBER_ATTEMPTS = 5


class FieldError(ValueError):
    """An operator's input has a field with a value the portal cannot store.

    Attributes:
        field: The field's name, as the command line spells it (e.g. "email").
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CustomerError(FieldError):
    """A customer's field has a value the portal cannot store."""


@dataclasses.dataclass(frozen=True)
class CustomerInput:
    """What the operator typed for a new customer, before it is checked."""

    name: str
    kana: str = ""
    email: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    company: str = ""
    department: str = ""


def clean(data: CustomerInput) -> CustomerInput:
    """Check and normalise a new customer's fields (NFKC, trimmed).

    Args:
        data: The fields as typed.

    Returns:
        The fields as stored: half-width, the e-mail address normalised,
        the postal code as NNN-NNNN.

    Raises:
        CustomerError: A field is missing, too long or malformed; names the first such field.
    """
    cleaned, errors = check(data)
    if errors:
        raise errors[0]
    return cleaned


def check(data: CustomerInput) -> tuple[CustomerInput, list[CustomerError]]:
    """Check every field of a customer and report all that are wrong, not just the first.

    Args:
        data: The fields as typed.

    Returns:
        The fields as stored (a wrong field keeps its NFKC form) and one error per wrong
        field, in the order name, kana, email, postal code, address, phone, company, department.
    """
    errors: list[CustomerError] = []

    def checked(value: str, rule) -> str:
        try:
            return rule(value)
        except CustomerError as error:
            errors.append(error)
            return value

    def limited(field: str, limit: int, required: bool = False):
        def rule(value: str) -> str:
            if required and not value:
                raise CustomerError(field, "is required")
            if len(value) > limit:
                raise CustomerError(field, f"must be at most {limit} characters")
            return value

        return rule

    cleaned = CustomerInput(
        name=checked(nfkc(data.name), limited("name", 100, required=True)),
        kana=checked(nfkc(data.kana), limited("kana", 100)),
        email=checked(nfkc(data.email), _email),
        postal_code=checked(nfkc(data.postal_code), _postal_code),
        address=checked(nfkc(data.address), limited("address", 300)),
        phone=checked(nfkc(data.phone), _phone),
        company=checked(nfkc(data.company), limited("company", 100)),
        department=checked(nfkc(data.department), limited("department", 100)),
    )
    return cleaned, errors


def _email(value: str) -> str:
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise CustomerError("email", f"is not a valid e-mail address: {error}") from None


def _postal_code(value: str) -> str:
    if not value:
        return ""
    digits = value.replace("-", "")
    if not re.fullmatch(r"\d{3}-\d{4}|\d{7}", value):
        raise CustomerError("postal-code", f"must be NNN-NNNN (7 digits), not {value!r}")
    return f"{digits[:3]}-{digits[3:]}"


def _phone(value: str) -> str:
    if not value:
        return ""
    digits = value.replace("-", "")
    if not re.fullmatch(r"\d[\d-]*\d", value) or "--" in value or not 10 <= len(digits) <= 11:
        raise CustomerError("phone", f"must be 10 or 11 digits with optional hyphens, not {value!r}")
    return value


def store_auth_code(
    db: Session,
    customer: Customer,
    code: str,
    now: dt.datetime,
    expires_at: dt.datetime | None,
    revoke_previous: bool = True,
) -> AuthCode:
    """Keep a code's hash for a customer; the code itself is never stored.

    Args:
        db: The session; the caller commits.
        customer: Whose letter the code is printed on (already flushed, so it has an id).
        code: The 12 characters, without hyphens.
        now: The time of issue.
        expires_at: When the code stops working; None for never.
        revoke_previous: Revoke the customer's earlier codes, as a new letter replaces the old.

    Returns:
        The new AuthCode row.
    """
    if revoke_previous:
        db.exec(
            sa.update(AuthCode)
            .where(AuthCode.customer_id == customer.id, AuthCode.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    row = AuthCode(customer_id=customer.id, code_hash=hash_token(code), issued_at=now, expires_at=expires_at)
    db.add(row)
    db.flush()
    return row


def issue_auth_code(
    db: Session, customer: Customer, now: dt.datetime | None = None, valid_days: int = CODE_VALID_DAYS
) -> str:
    """Issue a new random code for a customer's letter, revoking the earlier ones.

    Args:
        db: The session; the caller commits.
        customer: The customer (already flushed).
        now: The time of issue; now by default.
        valid_days: How long the code works.

    Returns:
        The code as printed (e.g. Ab3D-eF4g-H5jK); the only time it is seen.
    """
    now = now or utcnow()
    code = new_auth_code()
    store_auth_code(db, customer, code, now, now + dt.timedelta(days=valid_days))
    return format_auth_code(code)


def next_customer_number(db: Session) -> str:
    """The number after the highest one added by hand (10 digits, from 2000000001)."""
    pattern = "2" + "_" * 9
    highest = db.exec(select(sa.func.max(Customer.customer_number)).where(Customer.customer_number.like(pattern))).one()
    if highest is None or not highest.isdigit():
        return str(FIRST_ADDED_NUMBER)
    return str(max(int(highest) + 1, FIRST_ADDED_NUMBER))


def add_customer(db: Session, data: CustomerInput, now: dt.datetime | None = None) -> tuple[Customer, str]:
    """Create a customer with a new customer number and a new authentication code.

    Args:
        db: The session; the caller commits (nothing is written when this raises).
        data: The fields as typed; checked by `clean`.
        now: The time of creation; now by default.

    Returns:
        The customer and the code as printed (four-four-four characters, e.g. Ab3D-eF4g-H5jK).

    Raises:
        CustomerError: A field is invalid; names the field.
    """
    now = now or utcnow()
    fields = dataclasses.asdict(clean(data))
    # The unique constraint decides, not a check: another writer may take the number first.
    for _ in range(_NUMBER_ATTEMPTS):
        customer = Customer(customer_number=next_customer_number(db), created_at=now, **fields)
        try:
            with db.begin_nested():
                db.add(customer)
                db.flush()
        except sa.exc.IntegrityError:
            continue
        return customer, issue_auth_code(db, customer, now)
    raise RuntimeError("could not find a free customer number; try again")


def by_numbers(db: Session, numbers: list[str]) -> list[Customer]:
    """The customers with these numbers, in the order given (repeats once).

    Args:
        db: The session.
        numbers: お客様番号 as typed; NFKC-normalised here.

    Returns:
        The customers.

    Raises:
        CustomerError: A number belongs to no customer (field "customer"); names every such number.
    """
    wanted = list(dict.fromkeys(nfkc(number) for number in numbers))
    found = {c.customer_number: c for c in db.exec(select(Customer).where(Customer.customer_number.in_(wanted)))}
    unknown = [number for number in wanted if number not in found]
    if unknown:
        raise CustomerError("customer", f"no customer has the number {', '.join(unknown)}")
    return [found[number] for number in wanted]


def without_account(db: Session) -> list[Customer]:
    """The customers who have no MyPage account yet, by customer number."""
    has_account = sa.exists().where(Account.customer_id == Customer.id)
    return list(db.exec(select(Customer).where(~has_account).order_by(Customer.customer_number)))
