"""Fixtures of the member tests: the real test gateway app behind the portal's adapter, in process."""

import pytest
from starlette.testclient import TestClient

import testgateway
from mypage.billing import payments
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
