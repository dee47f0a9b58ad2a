"""The Peppol transport of this platform, composed from the settings: our access point's
credentials (`api.peppol.certificates`) and the SMP lookup (`api.peppol.smp.lookup`) that tells
where each participant receives each document type."""

from __future__ import annotations

from api.adapters.transport.peppol import PeppolTransport
from api.core.settings import Settings
from api.peppol.certificates import access_point
from api.peppol.smp.lookup import SmpLookup


def peppol_transport(settings: Settings) -> PeppolTransport | None:
    """None when this platform is not a Peppol access point; raises PeppolConfigurationError
    when it should be and its credentials cannot work (the start stops there)."""
    if not settings.peppol_access_point:
        return None
    point = access_point(settings)
    lookup = SmpLookup.from_settings(settings)
    return PeppolTransport(settings, point, lookup.find_endpoint, on_close=lookup.aclose)
