"""E-invoice flows: the store, the AFNOR Flow Service 1.3.0, and the worker pipeline."""
