from fastapi import APIRouter

from api import __version__
from api.core.db import DbSession
from api.core.errors import outage_free, problem_responses
from api.health import service
from api.health.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
@outage_free
async def health() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok", version=__version__)


@router.get("/ready", response_model=Readiness, responses=problem_responses(503))
async def ready(session: DbSession) -> Readiness:
    """Readiness: the database answers a query."""
    await service.check_database(session)
    return Readiness(status="ready", database="ok")
