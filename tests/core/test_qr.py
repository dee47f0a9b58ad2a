"""The hand-written SVG draws exactly the QR code's dark modules."""

import base64
import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from api.core.qr import png_data_uri, qr_svg, svg_data_uri

URL = "https://comptoir.cabinet-martin.fr/qr/v1/3IWFFvQEP-1Ov9xsYrQPnu5_1SKMKtjIaBcD"


def _cells_drawn(svg: str) -> set[tuple[int, int]]:
    cells: set[tuple[int, int]] = set()
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        cells.update((int(x) + dx, int(y)) for dx in range(int(width)))
    return cells


def test_svg_path_covers_exactly_the_dark_modules() -> None:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=2)
    code.add_data(URL)
    code.make(fit=True)
    expected = {
        (x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark
    }
    svg = qr_svg(URL).decode()
    assert _cells_drawn(svg) == expected
    size = len(code.get_matrix())
    assert f'viewBox="0 0 {size} {size}"' in svg


def test_data_uris_carry_svg_and_png() -> None:
    svg = base64.b64decode(svg_data_uri(URL).removeprefix("data:image/svg+xml;base64,"))
    assert svg.startswith(b"<svg")
    png = base64.b64decode(png_data_uri(URL).removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
