"""Firm registration: SSO login, SIREN, the owner's device and identity check, then the firm."""
