"""QR codes produced by the API (login challenges, device enrollment), as data URIs."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_svg(text: str) -> bytes:
    image = _qr(text).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_png(text: str) -> bytes:
    image = _qr(text).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def svg_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode("ascii")


def png_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")
