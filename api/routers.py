"""Every domain router mounted under /api/v1, one line each."""

from fastapi import APIRouter

from api.health.router import router as health_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
