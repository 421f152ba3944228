"""Fixtures of the member tests: the real test gateway app behind the portal's adapter, in process."""

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import testgateway
from mypage import db
from mypage.billing import payments
from mypage.web import downloads
from tests.member.gateway import SECRET


@pytest.fixture
def gateway_client():
    """A client of the test gateway's app (Starlette's TestClient)."""
    with TestClient(testgateway.create_app(SECRET), base_url="http://gateway.test", follow_redirects=False) as c:
        yield c


@pytest.fixture
def gw(gateway_client):
    """The portal's adapter, talking to it."""
    return payments.TestGateway("http://gateway.test", SECRET, client=gateway_client)


@pytest.fixture
def download_client(database_url, monkeypatch):
    """The download routes on this test's database; the header x-account stands in for the session cookie."""
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    app = Starlette(
        routes=downloads.download_routes(
            lambda request: int(request.headers["x-account"]) if "x-account" in request.headers else None
        )
    )
    return TestClient(app, follow_redirects=False)
