"""The background worker: delivers the outbox. Every kind of outbox message has its handler
registered here, one line each (as `api/routers.py` lists the routers).

    comptoir worker                       a dedicated process (COMPTOIR_OUTBOX_WORKER=off on
                                          the API processes)
    COMPTOIR_OUTBOX_WORKER=embedded       the default: each API process runs it in its lifespan

Running several workers at once is safe: each message is claimed by one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import create_blob_storage
from api.adapters.directory import build_directory
from api.adapters.mail import mail_sender
from api.adapters.transport import HttpTransport
from api.core.settings import Settings
from api.einvoicing import service as einvoicing_service
from api.flows import delivery as flow_webhooks
from api.flows import pipeline as flow_pipeline
from api.flows import service as flows_service
from api.flows.pipeline import FlowPipeline, Step, validation_handler
from api.lifecycle import steps as lifecycle_steps
from api.mail import service as mail_service
from api.mandates import service as mandates_service
from api.models.invoice_route import SEND_STATUS_KIND
from api.outbox import service as outbox
from api.outbox.service import OutboxHandler
from api.peppol.network import peppol_transport
from api.ppf import service as ppf_service
from api.ppf.feed import build_feed
from api.routing import service as routing
from api.validation import shared_engine
from api.validation.rules import COMMON_RULE_FILES
from api.webhooks import service as webhooks_service

logger = logging.getLogger("comptoir.worker")


def flow_steps() -> tuple[Step, ...]:
    """What the worker does with a validated flow, in order: the flows domain's steps with the
    lifecycle's (and routing's) between them; domains above flows plug in here, so that flows
    imports none of them."""
    return (
        flow_pipeline.record_validation,
        lifecycle_steps.issue_deposit_status,
        lifecycle_steps.apply_deposited_status,
        flow_pipeline.link_document,
        routing.queue_routing,
        flow_pipeline.announce_changes,
    )


def outbox_handlers(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> dict[str, OutboxHandler]:
    """Handlers get what they need bound here: settings, adapters, and the sessionmaker for
    those that record their attempts in their own short transactions."""
    storage = create_blob_storage(settings)
    directory = build_directory(settings, sessionmaker)
    transport = HttpTransport(settings)
    peppol = peppol_transport(settings)  # to platforms that are not configured peers
    return {
        mail_service.MAIL_KIND: mail_service.delivery(mail_sender(settings)),
        webhooks_service.WEBHOOK_KIND: webhooks_service.delivery_handler(sessionmaker, settings),
        einvoicing_service.DIRECTORY_KIND: einvoicing_service.directory_delivery(
            directory, sessionmaker
        ),
        flows_service.VALIDATE_KIND: validation_handler(
            FlowPipeline(
                sessionmaker,
                storage,
                settings,
                shared_engine(),
                steps=flow_steps(),
            )
        ),
        routing.ROUTE_KIND: routing.route_handler(
            routing.InvoiceRouting(sessionmaker, storage, settings, directory, transport, peppol)
        ),
        SEND_STATUS_KIND: routing.status_handler(
            routing.StatusSender(sessionmaker, storage, settings, transport, peppol)
        ),
        flows_service.WEBHOOK_KIND: flow_webhooks.webhook_handler(sessionmaker, settings),
        mandates_service.REMINDER_KIND: mandates_service.reminder_delivery(settings, sessionmaker),
        ppf_service.COPY_KIND: ppf_service.delivery(build_feed(settings), sessionmaker),
    }


@contextlib.asynccontextmanager
async def embedded_worker(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    """Run the worker as a background task for the lifetime of the app (if enabled). With
    several HTTP processes (`COMPTOIR_WORKERS`), one of them runs it: the one holding the
    machine's worker lock (`elected_worker`)."""
    if settings.outbox_worker != "embedded":
        yield
        return
    stop = asyncio.Event()
    if settings.workers > 1:
        work = elected_worker(settings, sessionmaker, stop)
    else:
        work = outbox.run_worker(
            sessionmaker, outbox_handlers(settings, sessionmaker), settings, stop
        )
    task = asyncio.create_task(work, name="comptoir-outbox-worker")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=settings.smtp_timeout_seconds + 5)
        except TimeoutError:
            logger.warning("outbox worker did not stop in time; its claims expire by lease")


# Held by the process that runs the embedded worker; the kernel lets it go when that process
# ends, however it ends.
WORKER_LOCK_NAME = "outbox-worker.lock"
# How often a process without the lock tries to take it (the holder gone: its successor starts
# within this delay; messages wait in the outbox meanwhile).
WORKER_LOCK_RETRY_SECONDS = 5.0


def _try_lock(path: Path) -> int | None:
    """The descriptor holding an exclusive lock on `path`, or None when another process holds
    it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


async def elected_worker(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    stop: asyncio.Event,
    *,
    retry_seconds: float = WORKER_LOCK_RETRY_SECONDS,
) -> None:
    """The embedded worker of one process per machine when `comptoir run` serves with several
    (uvicorn's processes all run the app's lifespan): each tries the lock file in the data
    folder; the one that gets it delivers the outbox, the others try again every few seconds,
    so that another takes over if it dies. One worker per machine, not one per HTTP process:
    validations (saxonche, its compiled rules) then weigh on one process only. Several
    machines each run theirs: a message is claimed by one worker wherever it runs."""
    path = settings.data_dir / WORKER_LOCK_NAME
    while not stop.is_set():
        descriptor = await asyncio.to_thread(_try_lock, path)
        if descriptor is not None:
            logger.info("outbox worker elected in process %d", os.getpid())
            try:
                handlers = outbox_handlers(settings, sessionmaker)
                await outbox.run_worker(sessionmaker, handlers, settings, stop)
            finally:
                os.close(descriptor)  # releases the lock
            return
        logger.debug("outbox worker lock held by another process: %s", path)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=retry_seconds)


async def run_forever(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    stop: asyncio.Event | None = None,
) -> None:
    """`comptoir worker`: deliver until interrupted (or until `stop` is set)."""
    logger.info("outbox worker started (mail: %s)", settings.mail_transport)
    # Ctrl-C cancels this task; a claim it held comes back after its lease.
    handlers = outbox_handlers(settings, sessionmaker)
    # The dedicated worker is where flows get validated: compile the common rule files now (a
    # few seconds) rather than in the first flow's validation. Not in the API processes'
    # embedded worker, nor in the tests' apps: they would all pay for it at start-up.
    started = time.perf_counter()
    engine = shared_engine()
    await asyncio.to_thread(engine.warm_up)
    logger.info(
        "validation rules compiled (%s) in %.1f s",
        ", ".join(rule_file.name for rule_file in COMMON_RULE_FILES),
        time.perf_counter() - started,
    )
    await outbox.run_worker(sessionmaker, handlers, settings, stop or asyncio.Event())
