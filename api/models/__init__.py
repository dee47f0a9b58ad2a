"""ORM models, one module per entity. Importing this package registers every table on
`Base.metadata` (Alembic's autogenerate and the tests rely on it)."""

from api.core.models import Base
from api.models.document import Document, DocumentSource, DocumentType
from api.models.folder import Folder

__all__ = ["Base", "Document", "DocumentSource", "DocumentType", "Folder"]
