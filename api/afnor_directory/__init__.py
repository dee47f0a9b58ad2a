"""The AFNOR Directory Service 1.3.0 (read-only), answered from what Comptoir knows."""
