"""The ASGI application: wiring settings, database, bus and every domain's routes together."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse

from schoolchat.administration.api import router as people_router
from schoolchat.administration.roster.api import router as roster_router
from schoolchat.administration.roster.jobs import STALE_AFTER, fail_stale
from schoolchat.administration.roster.runner import RosterImports
from schoolchat.attachments.actions import UnsentUploads
from schoolchat.attachments.api import UPLOAD_PATH
from schoolchat.attachments.api import router as attachments_router
from schoolchat.auth.api import router as auth_router
from schoolchat.bodies import BodyGuard
from schoolchat.config import Settings
from schoolchat.conversations.api import router as conversations_router
from schoolchat.conversations.membership import ACTIVE_MEMBERS
from schoolchat.db import Database
from schoolchat.errors import error_body, install_error_handlers
from schoolchat.health import NAMES, OK, Readiness
from schoolchat.i18n.middleware import ReaderLanguage
from schoolchat.logs import AccessLogMiddleware
from schoolchat.lti.api import admin as lti_admin_router
from schoolchat.lti.api import router as lti_router
from schoolchat.massmessages.api import router as mass_messages_router
from schoolchat.massmessages.worker import MassMessageWorker
from schoolchat.messages.api import router as messages_router
from schoolchat.messages.conversation_api import router as conversation_messages_router
from schoolchat.messages.search_api import router as search_router
from schoolchat.metrics import Metrics, MetricsMiddleware
from schoolchat.moderation.api import router as moderation_router
from schoolchat.notifications import sends as notification_sends
from schoolchat.notifications.api import router as notifications_router
from schoolchat.notifications.worker import NotificationWorker
from schoolchat.openapi import complete_document
from schoolchat.periodic import every
from schoolchat.policy import texts
from schoolchat.privacy import actions as privacy_actions
from schoolchat.privacy import retention as content_retention
from schoolchat.privacy.api import router as privacy_router
from schoolchat.privacy.retention_api import router as retention_router
from schoolchat.ratelimit.limiter import Limiter
from schoolchat.realtime.api import router as realtime_router
from schoolchat.realtime.bus import Bus, MemoryBus
from schoolchat.realtime.hub import Hub, HubSocket
from schoolchat.realtime.hub import router as hub_router
from schoolchat.realtime.redis_bus import RedisBus
from schoolchat.realtime.retention import prune
from schoolchat.safeguarding.api import router as safeguarding_router
from schoolchat.services import Services
from schoolchat.sso.api import router as sso_router
from schoolchat.sso.oidc import RelyingParty
from schoolchat.sso.session import LoginStateSessions
from schoolchat.web.pages import router as web_router


@contextmanager
def _startup_objects_frozen() -> Iterator[None]:
    """While the service runs, leave the objects that exist once it has started (~150k: modules, tables, schemas,
    routes) out of the garbage collector's full passes. Each full pass walked them all: ~80 ms of CPU about every
    1.5 s under load, ~0.1 ms per send. Unfrozen at shutdown, so that a process building many apps (the tests)
    still collects them."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(
    settings: Settings | None = None, *, db: Database | None = None, bus: Bus | None = None
) -> FastAPI:
    settings = settings or Settings()
    settings.check_secret()
    db = db or Database(
        settings.effective_database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        pool_size=settings.database_pool_size,
    )
    if bus is None:
        bus = RedisBus(settings.redis_url, db) if settings.redis_url else MemoryBus()
    services = Services(settings, db, bus)
    roster_imports = RosterImports(services)
    metrics = Metrics()
    limiter = Limiter(settings, on_refused=lambda rule: metrics.rate_limited.labels(str(rule)).inc())
    hub = Hub(services, limiter, ACTIVE_MEMBERS, on_slow_consumer=metrics.slow_consumers.inc)
    mass_messages = MassMessageWorker(services)
    notifications = NotificationWorker(services)
    unsent_uploads = UnsentUploads(services)
    readiness = Readiness(settings, db)

    async def sweep_unsent_uploads() -> int:
        deleted = await unsent_uploads.sweep()
        metrics.unsent_uploads_deleted.inc(deleted)
        return deleted

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await services.bus.start()
        await hub.start()
        mass_messages.start()
        notifications.start()
        retention = timedelta(days=settings.event_retention_days)
        housekeeping = [
            asyncio.create_task(
                every(
                    settings.event_prune_interval_seconds,
                    lambda: prune(services.db, retention),
                    f"pruning events older than {retention}",
                )
            ),
            asyncio.create_task(
                every(
                    settings.event_prune_interval_seconds,
                    lambda: notification_sends.prune(services, retention),
                    f"forgetting notifications finished more than {retention} ago",
                )
            ),
            asyncio.create_task(
                every(
                    settings.unsent_upload_sweep_interval_seconds,
                    sweep_unsent_uploads,
                    f"deleting uploads unsent after {settings.unsent_upload_hours} hours",
                )
            ),
            asyncio.create_task(
                every(
                    STALE_AFTER.total_seconds() / 2,
                    lambda: fail_stale(services),
                    "failing roster imports whose process stopped",
                )
            ),
            asyncio.create_task(
                every(
                    settings.privacy_job_interval_seconds,
                    lambda: privacy_actions.run_jobs(services),
                    "erasing people's messages, releasing legal holds",
                )
            ),
            asyncio.create_task(
                every(
                    settings.retention_interval_seconds,
                    lambda: content_retention.daily(services),
                    "removing what the retention policies no longer keep",
                )
            ),
        ]
        try:
            with _startup_objects_frozen():
                yield
        finally:
            for task in housekeeping:
                task.cancel()
            await mass_messages.stop()
            await notifications.stop()
            await roster_imports.stop()
            await hub.stop()
            await services.bus.stop()
            await readiness.close()
            await services.db.dispose()

    app = FastAPI(
        title="schoolchat",
        version="0.1.0",
        summary="Real-time messaging for schools: 1:1, group, course and project conversations.",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.hub = hub
    app.state.mass_messages = mass_messages
    app.state.limiter = limiter
    app.state.notifications = notifications
    app.state.roster_imports = roster_imports
    app.state.relying_party = RelyingParty()
    install_error_handlers(app)
    metrics.watch(services.bus)
    app.add_middleware(BodyGuard, max_bytes=settings.max_json_body_bytes, own_limits=[UPLOAD_PATH])
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # counts what BodyGuard answers too
    app.add_middleware(AccessLogMiddleware)  # its duration covers everything inside, its id every answer
    app.add_middleware(LoginStateSessions, secret_key=settings.secret_key, https_only=settings.cookie_secure)
    app.add_middleware(ReaderLanguage)  # the language of every answer, BodyGuard's and the login page's too
    app.add_middleware(HubSocket, hub=hub)  # the hub's sockets skip every layer inside (realtime/hub.py)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await readiness.check()
        unreachable = [NAMES[name] for name, state in checks.items() if state != OK]
        if unreachable:
            return JSONResponse(
                error_body("not_ready", texts.not_ready(unreachable), {"checks": checks}), status_code=503
            )
        return JSONResponse({"status": "ok", "checks": checks})

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    # Most called first: a request is matched against the routes in this order, at about a microsecond each
    # (no two routes match the same request, so the order changes nothing else; tests/test_routes.py checks it).
    for router in (
        messages_router,
        conversations_router,
        conversation_messages_router,
        realtime_router,
        hub_router,
        people_router,
        search_router,
        attachments_router,
        moderation_router,
        mass_messages_router,
        notifications_router,
        roster_router,
        auth_router,
        lti_admin_router,
        lti_router,
        privacy_router,
        sso_router,
        safeguarding_router,
        retention_router,
    ):
        app.include_router(router)
    app.include_router(web_router)  # the browser UI: pages and built assets, outside /api
    complete_document(app)
    return app
