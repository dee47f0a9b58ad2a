"""A real HTTP server on loopback speaking the API Recherche d'entreprises' `/search`.

It answers from a few companies in the public API's response shape (searching by SIREN,
SIRET or name words, as the real service does), and can be told to misbehave for the next
requests: 429 with `Retry-After`, 5xx, a slow answer, a body that is not JSON.
"""

from __future__ import annotations

import json
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def _establishment(
    siret: str, street: str, postal_code: str, city: str, **extra: object
) -> dict[str, Any]:
    return {
        "siret": siret,
        "adresse": f"{street} {postal_code} {city}",
        "code_postal": postal_code,
        "libelle_commune": city,
        "commune": "75115",
        "etat_administratif": extra.pop("etat_administratif", "A"),
        "est_siege": extra.pop("est_siege", True),
        "activite_principale": "53.10Z",
        "latitude": "48.83",
        "longitude": "2.27",
        **extra,
    }


LA_POSTE = {
    "siren": "356000000",
    "nom_complet": "LA POSTE",
    "nom_raison_sociale": "LA POSTE",
    "sigle": None,
    "nombre_etablissements": 2,
    "nombre_etablissements_ouverts": 2,
    "siege": _establishment("35600000000048", "9 RUE DU COLONEL PIERRE AVIA", "75015", "PARIS"),
    "activite_principale": "53.10Z",
    "categorie_entreprise": "GE",
    "date_creation": "1991-01-01",
    "etat_administratif": "A",
    "nature_juridique": "5510",
    "section_activite_principale": "H",
    "statut_diffusion": "O",
    "dirigeants": [],
    "complements": {"est_entrepreneur_individuel": False},
    "_establishments": [
        _establishment("35600000010019", "RUE DE LA POSTE", "21000", "DIJON", est_siege=False),
    ],
}
HIDDEN_PERSON = {
    "siren": "971624275",
    "nom_complet": "[NON-DIFFUSIBLE]",
    "siege": _establishment("97162427562527", "[NON-DIFFUSIBLE]", "44000", "NANTES"),
    "activite_principale": "69.20Z",
    "etat_administratif": "A",
    "nature_juridique": "1000",
    "statut_diffusion": "P",
    "_establishments": [],
}
CLOSED_COMPANY = {
    "siren": "948662838",
    "nom_complet": "ÉLECTRICITÉ PERRIN",
    "siege": _establishment(
        "94866283819895", "147 QUAI DE SAÔNE", "67000", "STRASBOURG", etat_administratif="F"
    ),
    "activite_principale": "69.20Z",
    "etat_administratif": "C",
    "nature_juridique": "5498",
    "statut_diffusion": "O",
    "_establishments": [],
}
COMPANIES: list[dict[str, Any]] = [LA_POSTE, HIDDEN_PERSON, CLOSED_COMPANY]


def _words(text: str) -> list[str]:
    bare = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in bare if not unicodedata.combining(c)).split()


@dataclass
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay_seconds: float = 0.0


@dataclass
class Peer:
    url: str
    faults: list[Fault] = field(default_factory=list)
    arrivals: list[tuple[float, str]] = field(default_factory=list)

    def answer(self, query: str) -> dict[str, Any]:
        public = [{k: v for k, v in c.items() if not k.startswith("_")} for c in COMPANIES]
        if query.isdigit() and len(query) == 9:
            results = [
                c | {"matching_etablissements": [c["siege"]]} for c in public if c["siren"] == query
            ]
        elif query.isdigit() and len(query) == 14:
            results = []
            for company, shown in zip(COMPANIES, public, strict=True):
                for establishment in [company["siege"], *company["_establishments"]]:
                    if establishment["siret"] == query:
                        results.append(shown | {"matching_etablissements": [establishment]})
        else:
            wanted = _words(query)
            results = [
                c | {"matching_etablissements": []}
                for c in public
                if all(word in _words(c["nom_complet"]) for word in wanted)
            ]
        return {
            "results": results,
            "total_results": len(results),
            "page": 1,
            "per_page": 10,
            "total_pages": 1,
        }


@contextmanager
def recherche_entreprises_peer() -> Iterator[Peer]:
    peer = Peer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            peer.arrivals.append((time.monotonic(), self.path))
            fault = peer.faults.pop(0) if peer.faults else Fault()
            if fault.delay_seconds:
                time.sleep(fault.delay_seconds)
            parts = urlsplit(self.path)
            if parts.path != "/search":
                fault = Fault(status=404, body=b'{"erreur": "Not found"}')
            query = parse_qs(parts.query).get("q", [""])[0]
            body = fault.body
            if body is None:
                body = json.dumps(
                    peer.answer(query) if fault.status == 200 else {"erreur": "x"}
                ).encode()
            try:
                self.send_response(fault.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in fault.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    peer.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
