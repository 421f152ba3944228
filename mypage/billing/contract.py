"""ご契約内容参照: the customer's details and the services in force, with fees with and without tax."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage.billing.statements import tax_for
from mypage.models import Customer, Service

# The order a subscriber reads a contract in: the main services, then what comes with them.
KINDS = {
    "tv": "テレビ",
    "internet": "インターネット",
    "phone": "電話",
    "option": "オプション",
    "equipment": "レンタル機器",
}


@dataclasses.dataclass(frozen=True)
class ContractLine:
    """One service as ご契約内容参照 shows it."""

    kind: str
    kind_label: str
    plan: str
    started_on: dt.date
    monthly_fee: int
    tax_rate: int

    @property
    def tax(self) -> int:
        """The consumption tax on the monthly fee, rounded down."""
        return tax_for(self.monthly_fee, self.tax_rate)

    @property
    def fee_with_tax(self) -> int:
        """The monthly fee including tax."""
        return self.monthly_fee + self.tax


@dataclasses.dataclass(frozen=True)
class Contract:
    """The customer and their services."""

    name: str
    kana: str
    customer_number: str
    postal_code: str
    address: str
    phone: str
    services: tuple[ContractLine, ...]

    @property
    def monthly_total(self) -> int:
        """What the services cost a month before tax."""
        return sum(service.monthly_fee for service in self.services)


def label(service: Service) -> str:
    """How a subscriber reads a service: its name and plan, once each ("ACTネット 1Gコース")."""
    name, plan = service.name, service.plan
    if not name or plan.startswith(name):
        return plan or name
    return f"{name} {plan}" if plan else name


def contract(db: Session, customer_id: int, today: dt.date) -> Contract | None:
    """The customer's details and the services in force today, in two queries.

    Args:
        db: The database session.
        customer_id: Whose contract.
        today: Services that ended before this date are left out.

    Returns:
        The contract, or None when there is no such customer.
    """
    customer = db.get(Customer, customer_id)
    if customer is None:
        return None
    order = sa.case({kind: index for index, kind in enumerate(KINDS)}, value=Service.kind, else_=len(KINDS))
    rows = db.exec(
        select(Service)
        .where(
            Service.customer_id == customer_id,
            Service.started_on <= today,
            sa.or_(Service.ended_on.is_(None), Service.ended_on >= today),
        )
        .order_by(order, Service.started_on, Service.id)
    )
    services = tuple(
        ContractLine(row.kind, KINDS.get(row.kind, row.kind), label(row), row.started_on, row.monthly_fee, row.tax_rate)
        for row in rows
    )
    return Contract(
        customer.name,
        customer.kana,
        customer.customer_number,
        customer.postal_code,
        customer.address,
        customer.phone,
        services,
    )
