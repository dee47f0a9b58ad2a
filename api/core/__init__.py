"""Shared building blocks: settings, database, errors, request context. Imports no domain."""
