"""Delivery channels: one small adapter per way of reaching people, behind one interface (``base.Channel``).

Adapters know protocols, not the database: they take a ``Message`` and an address and either return the
provider's id or raise ``TemporaryFailure`` (worth retrying) or ``PermanentFailure`` (not). They never log
addresses, tokens or secrets.
"""
