"""Routing: an invoice, once valid, reaches its buyer (this platform or another one)."""
