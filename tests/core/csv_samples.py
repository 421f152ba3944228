"""Files as the billing system exports them, shared by the importer's tests."""

CUSTOMER_HEADER = "customer_number,name,kana,email,postal_code,address,phone"
CUSTOMERS = f"""{CUSTOMER_HEADER}
3000000001,八戸 次郎,ﾊﾁﾉﾍ ｼﾞﾛｳ,Jiro@Example.JP,０３１-０００１,青森県八戸市類家１－１,0178-11-0001
3000000002,五所川原 三郎,ゴショガワラ サブロウ,,0370001,"青森県五所川原市1-2, 3F",
"""
BILL_HEADER = (
    "customer_number,period,invoice_number,issued_on,due_on,payment_method,status,description,"
    "quantity,unit_price,amount,tax_rate"
)
BILLS = f"""{BILL_HEADER}
3000000001,2026-10,ACT-3000000001-202610,2026-11-01,2026-11-27,口座振替,scheduled,ACTテレビ 基本料金,1,3000,3000,10
3000000001,2026-10,ACT-3000000001-202610,2026-11-01,2026-11-27,口座振替,scheduled,ミネラルウォーター定期便,2,800,1600,8
3000000001,2026-10,ACT-3000000001-202610,2026-11-01,2026-11-27,口座振替,scheduled,セット割引,1,-500,-500,10
3000000002,2026/10,ACT-3000000002-202610,2026/11/01,2026/11/27,クレジットカード,未払い,ACTネット,1,"4,800","4,800",10%
3000000001,2026-09,ACT-3000000001-202609,2026-10-01,2026-10-27,口座振替,paid,ACTテレビ 基本料金,1,3000,3000,10
"""
