"""Lock counting is atomic: 20 wrong passwords at once on PostgreSQL never pass the limit unlocked."""

import concurrent.futures

from sqlmodel import Session, select

from mypage import db
from mypage.accounts import login
from mypage.models import Account, AuditEvent
from tests.core.factories import make_account

PARALLEL = 20


def wrong_password(url: str, i: int) -> str:
    with Session(db.engine_for(url)) as session:
        # Each from its own address, so the per-address CAPTCHA does not interfere.
        outcome = login.attempt(session, "Racer01", "wrong-pass1", ip=f"198.51.100.{i + 1}")
        session.commit()
        return outcome.status


def test_parallel_wrong_passwords_lock_once_at_the_limit(postgres_url):
    with Session(db.engine_for(postgres_url), expire_on_commit=False) as session:
        account = make_account(session, "Racer01", "kumo2024sora", email="racer@example.jp")
        session.commit()
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(lambda i: wrong_password(postgres_url, i), range(PARALLEL)))
    with Session(db.engine_for(postgres_url)) as session:
        kinds = [e.kind for e in session.exec(select(AuditEvent).where(AuditEvent.subject == "racer01"))]
        stored = session.get(Account, account.id)
    assert kinds.count(login.FAILED) == login.FAILURES_TO_LOCK
    assert kinds.count(login.LOCKED_KIND) == 1
    assert kinds.count(login.REFUSED_LOCKED) == PARALLEL - login.FAILURES_TO_LOCK
    assert statuses.count(login.INVALID) == login.FAILURES_TO_LOCK - 1
    assert statuses.count(login.LOCKED) == PARALLEL - login.FAILURES_TO_LOCK + 1
    assert stored.lockouts == 1 and stored.locked_until is not None
