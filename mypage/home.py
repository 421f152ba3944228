"""マイページ初期画面: the contract holder, the previous login, notices and this month's bill."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session, select

from mypage import jptime, notices
from mypage.billing import statements
from mypage.models import Account, Customer, UserSession

HOME_NOTICES = 5


def previous_login(db: Session, account_id: int) -> dt.datetime | None:
    """When the account logged in before this session: the start of its second newest session."""
    return db.exec(
        select(UserSession.created_at)
        .where(UserSession.account_id == account_id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        .offset(1)
        .limit(1)
    ).first()


@dataclasses.dataclass(frozen=True)
class Home:
    """Everything マイページ初期画面 shows."""

    name: str
    previous_login: dt.datetime | None
    notices: tuple[notices.NoticeView, ...]
    unread: int
    bill: statements.Statement | None


def home(db: Session, account_id: int, now: dt.datetime) -> Home | None:
    """The home screen's data in a fixed number of queries.

    Args:
        db: The database session.
        account_id: The logged-in account.
        now: The current time (aware UTC).

    Returns:
        The home screen's data, or None when the account does not exist.
    """
    row = db.exec(
        select(Account, Customer).join(Customer, Customer.id == Account.customer_id).where(Account.id == account_id)
    ).first()
    if row is None:
        return None
    account, customer = row
    today = jptime.today(now)
    return Home(
        name=customer.name,
        previous_login=previous_login(db, account.id),
        notices=tuple(notices.visible(db, customer.id, account.id, now, limit=HOME_NOTICES)),
        unread=notices.unread_count(db, customer.id, account.id, now),
        bill=statements.latest(db, customer.id, today),
    )
