"""The embedded directory (default): lines kept in our own database, with the national
directory's rules (no overlap, another platform's line is a conflict, idempotency keys).

It plays the part of an external system, so each `attempt` is its own transaction, committed
independently of the caller's: like the real directory, a line exists once it answered.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory.base import (
    AlreadyEnded,
    DirectoryAddress,
    DirectoryLine,
    DirectoryOutcome,
    DirectoryRequest,
    Ended,
    EndLine,
    Found,
    LookUpAddress,
    PermanentFailure,
    Registered,
    RegisterLine,
    TransientFailure,
    worst_refusal,
)
from api.core.models import utcnow
from api.models.directory_line import DirectoryLineRecord


class LocalDirectory:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], platform_id: str) -> None:
        self._sessionmaker = sessionmaker
        self._platform_id = platform_id

    @property
    def platform_id(self) -> str:
        return self._platform_id

    async def aclose(self) -> None:
        return None

    async def attempt(self, request: DirectoryRequest) -> DirectoryOutcome:
        # Two registrations with one key racing each other: the loser meets the unique
        # constraint, and its second pass replays the winner's line.
        for _ in range(2):
            try:
                async with self._sessionmaker() as session, session.begin():
                    return await self._answer(session, request)
            except IntegrityError:
                continue
            except DBAPIError as error:
                return TransientFailure(
                    detail=f"Annuaire local indisponible : {type(error.orig).__name__}."
                )
        return TransientFailure(detail="Annuaire local : écritures concurrentes, à réessayer.")

    async def _answer(self, session: AsyncSession, request: DirectoryRequest) -> DirectoryOutcome:
        if isinstance(request, RegisterLine):
            return await self._register(session, request)
        if isinstance(request, EndLine):
            return await self._end(session, request)
        return await self._look_up(session, request)

    async def _register(self, session: AsyncSession, request: RegisterLine) -> DirectoryOutcome:
        replayed = await session.scalar(
            select(DirectoryLineRecord).where(
                DirectoryLineRecord.platform_id == self._platform_id,
                DirectoryLineRecord.idempotency_key == request.idempotency_key,
            )
        )
        if replayed is not None:
            line = _line(replayed)
            if (line.address, line.date_from) != (request.address, request.date_from):
                return PermanentFailure(
                    detail="Clé d'idempotence déjà utilisée pour une autre ligne.",
                    status=422,
                    code="idempotency-key-reused",
                )
            return Registered(line=line)

        identifier = request.address.addressing_identifier
        await _lock_address(session, identifier)
        overlapping_period: list[ColumnElement[bool]] = [
            DirectoryLineRecord.date_to.is_(None)
            | (DirectoryLineRecord.date_to >= request.date_from)
        ]
        if request.date_to is not None:
            overlapping_period.append(DirectoryLineRecord.date_from <= request.date_to)
        overlapping = [
            _line(record)
            for record in await session.scalars(
                select(DirectoryLineRecord)
                .where(DirectoryLineRecord.addressing_identifier == identifier, *overlapping_period)
                .order_by(DirectoryLineRecord.date_from)
            )
        ]
        if overlapping:
            return worst_refusal(overlapping, request, self._platform_id)

        address = request.address
        record = DirectoryLineRecord(
            addressing_identifier=identifier,
            siren=address.siren,
            siret=address.siret,
            routing_identifier=address.routing_identifier,
            addressing_suffix=address.addressing_suffix,
            platform_id=self._platform_id,
            date_from=request.date_from,
            date_to=request.date_to,
            idempotency_key=request.idempotency_key,
        )
        session.add(record)
        await session.flush()
        return Registered(line=_line(record))

    async def _end(self, session: AsyncSession, request: EndLine) -> DirectoryOutcome:
        record = await _record(session, request.line_id)
        if record is None:
            return PermanentFailure(
                detail="Ligne d'annuaire introuvable.", status=404, code="line-not-found"
            )
        if record.platform_id != self._platform_id:
            return PermanentFailure(
                detail="Cette ligne est tenue par une autre plateforme.",
                status=403,
                code="not-line-holder",
            )
        if request.date_to < record.date_from:
            return PermanentFailure(
                detail="La date de fin précède le début de la ligne.",
                status=422,
                code="end-before-start",
            )
        if record.date_to is not None and record.date_to < request.date_to:
            return AlreadyEnded(line=_line(record))
        if record.date_to != request.date_to:  # the same end again is a replay: no change
            record.date_to = request.date_to
            record.ended_at = utcnow()
            await session.flush()
        return Ended(line=_line(record))

    async def _look_up(self, session: AsyncSession, request: LookUpAddress) -> DirectoryOutcome:
        records = await session.scalars(
            select(DirectoryLineRecord)
            .where(
                DirectoryLineRecord.addressing_identifier == request.address.addressing_identifier
            )
            .order_by(DirectoryLineRecord.date_from)
        )
        return Found(lines=tuple(_line(record) for record in records))


async def _lock_address(session: AsyncSession, addressing_identifier: str) -> None:
    """Serialise registrations of one address until the transaction ends, so two workers
    cannot both see "no overlap" and insert. SQLite already serialises writers."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"directory-line:{addressing_identifier}"},
        )


async def _record(session: AsyncSession, line_id: str) -> DirectoryLineRecord | None:
    try:
        record_id = uuid.UUID(line_id)
    except ValueError:
        return None
    return await session.get(DirectoryLineRecord, record_id, with_for_update=True)


def _line(record: DirectoryLineRecord) -> DirectoryLine:
    return DirectoryLine(
        line_id=str(record.id),
        address=DirectoryAddress(
            siren=record.siren,
            siret=record.siret,
            routing_identifier=record.routing_identifier,
            addressing_suffix=record.addressing_suffix,
        ),
        platform_id=record.platform_id,
        date_from=record.date_from,
        date_to=record.date_to,
    )
