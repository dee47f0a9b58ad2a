"""QR codes produced by the API (login challenges, device enrollment), as data URIs.

The login page asks for a QR code per challenge, so the SVG path is written here from the
module matrix, with a fixed mask pattern: `qrcode`'s own SVG image and its search for the
best of eight masks cost ~11 ms a code, this ~2 ms. Any mask is valid for every reader; the
search only trims a few dark patches.
"""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

_BORDER = 2
_LOGIN_MASK_PATTERN = 2


def _modules(text: str, *, fixed_mask: bool) -> list[list[bool]]:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        border=_BORDER,
        mask_pattern=_LOGIN_MASK_PATTERN if fixed_mask else None,
    )
    code.add_data(text)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def qr_svg(text: str) -> bytes:
    """A compact SVG: one path, one rectangle per horizontal run of dark modules."""
    matrix = _modules(text, fixed_mask=True)
    size = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" aria-label="Code QR">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
    return svg.encode("ascii")


def qr_png(text: str) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=_BORDER)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def svg_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode("ascii")


def png_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")
