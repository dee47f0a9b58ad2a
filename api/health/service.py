from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import DatabaseUnavailable


async def check_database(session: AsyncSession) -> None:
    try:
        await session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready"; the cause goes to the log
        raise DatabaseUnavailable(
            "Le service démarre ou la base de données est indisponible."
        ) from exc
