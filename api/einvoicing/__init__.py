"""E-invoicing (Facturation électronique): the client's mandate, the firm's certification, and
its designation of this platform (PA) in the national directory (docs/einvoicing.md)."""
