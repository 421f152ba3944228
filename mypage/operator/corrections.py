"""Issued invoices are immutable: a changed invoice becomes a correction (修正インボイス).

Under the qualified-invoice rules a correction is a new document that refers to the one
it corrects, and the original stays retrievable for 7 years. So when an import brings
different content for an invoice already stored, the stored rows are left exactly as they
are and a new invoice is added: revision n+1, `corrects_id` pointing at the version it
corrects, a note of what changed, and the number the file gives (or, when the file keeps
the original's number, that number with -R1, -R2, …). A change of payment status alone
(paid, paid_on) is not a change of the document and is applied in place.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Sequence

from mypage.billing.statements import Line, rate_totals, yen
from mypage.models import Invoice

NOTE_MAX = 500
# The invoice's own fields that are part of the document, with the words the note uses.
DOCUMENT_FIELDS = {"issued_on": "発行日", "due_on": "お支払期限", "payment_method": "お支払方法"}

Item = tuple  # (position, description, quantity, unit_price, amount, tax_rate)


def heads(invoices: Iterable[Invoice]) -> dict[int, Invoice]:
    """For each stored invoice id, the newest version of its document (itself when uncorrected)."""
    stored = list(invoices)
    corrected_by = {invoice.corrects_id: invoice for invoice in stored if invoice.corrects_id is not None}
    found = {}
    for invoice in stored:
        head = invoice
        while head.id in corrected_by:
            head = corrected_by[head.id]
        found[invoice.id] = head
    return found


def root_number(invoice: Invoice, by_id: dict[int, Invoice]) -> str:
    """The number of the first version of an invoice's document."""
    while invoice.corrects_id is not None and invoice.corrects_id in by_id:
        invoice = by_id[invoice.corrects_id]
    return invoice.invoice_number


def correction_number(root: str, revision: int, taken: set[str]) -> str:
    """The original's number with -R<revision>, or the next free one."""
    number, extra = f"{root}-R{revision}", revision
    while number in taken:
        extra += 1
        number = f"{root}-R{extra}"
    return number


def _total(items: Sequence[Item]) -> int:
    return sum(rate.total for rate in rate_totals(Line(*item[1:]) for item in items))


def note(old: Invoice, old_items: Sequence[Item], new_fields: dict, new_items: Sequence[Item]) -> str:
    """What a correction changes, in the words the subscriber reads (at most 500 characters)."""
    changes = []
    if new_fields["invoice_number"] != old.invoice_number:
        changes.append(f"請求書番号 {old.invoice_number} → {new_fields['invoice_number']}")
    for field, label in DOCUMENT_FIELDS.items():
        before, after = getattr(old, field), new_fields[field]
        if before != after:
            changes.append(f"{label} {before} → {after}")
    before = collections.Counter(item[1:] for item in old_items)
    after = collections.Counter(item[1:] for item in new_items)
    for description, quantity, _, amount, rate in (before - after).elements():
        changes.append(f"削除: {description}（{quantity}・{yen(amount)}・{rate}%）")
    for description, quantity, _, amount, rate in (after - before).elements():
        changes.append(f"追加: {description}（{quantity}・{yen(amount)}・{rate}%）")
    if not (before - after) and not (after - before) and list(old_items) != list(new_items):
        changes.append("品目の順序")
    old_total, new_total = _total(old_items), _total(new_items)
    if old_total != new_total:
        changes.append(f"ご請求金額（税込） {yen(old_total)} → {yen(new_total)}")
    text = "、".join(changes) or "内容の訂正"
    return text if len(text) <= NOTE_MAX else text[: NOTE_MAX - 1] + "…"
