"""Comptoir: the e-invoicing workspace for French accounting firms and their clients."""

__version__ = "0.1.0"
