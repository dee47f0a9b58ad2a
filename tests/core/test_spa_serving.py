"""`comptoir run` serves the built SPA at / without ever hiding an API 404."""

from pathlib import Path

import httpx

from api.app import create_app
from api.core.settings import Settings


async def test_built_spa_is_served_with_client_side_routes(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<html>Comptoir</html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    app = create_app(settings.model_copy(update={"spa_dist": tmp_path}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/")).text == "<html>Comptoir</html>"
        assert (await client.get("/clients/123")).text == "<html>Comptoir</html>"
        assert (await client.get("/assets/app.js")).text == "console.log(1)"
        assert (await client.get("/../../etc/passwd")).text == "<html>Comptoir</html>"
        api_miss = await client.get("/api/v1/nope")
        assert api_miss.status_code == 404
        assert api_miss.headers["content-type"] == "application/problem+json"
