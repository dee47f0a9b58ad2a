"""All SQL of the documents domain."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.document import Document
from api.models.folder import Folder


class DocumentRepository:
    async def get_by_idempotency_key(
        self, session: AsyncSession, workspace_id: uuid.UUID, idempotency_key: str
    ) -> Document | None:
        statement = select(Document).where(
            Document.workspace_id == workspace_id,
            Document.idempotency_key == idempotency_key,
        )
        return (await session.execute(statement)).scalar_one_or_none()

    async def get_folder(self, session: AsyncSession, folder_id: uuid.UUID) -> Folder | None:
        return await session.get(Folder, folder_id)


document_repository = DocumentRepository()
