"""The PPF feed: the lifecycle statuses the national e-invoicing portal (PPF) must receive from
the platform, queued per invoice and sent once through one adapter (docs/flows.md, « PPF »).

    rules.py       which statuses go to the PPF (200, 210, 212 under VAT on receipts, 213)
    feed.py        the adapter interface and its two adapters: `local` (default) and `http`
    service.py     queue_copy(...) in the caller's unit of work; the outbox handler that sends
    repository.py  the copies' SQL
"""
