"""The secret the member tests share with the in-process test gateway (fixtures in conftest.py)."""

SECRET = "test-gateway-secret-for-the-unit-tests-0123456789"
