"""Cancer CoP forum: the application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from forum import config as config_module
from forum.config import ROOT


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    app.config.from_mapping(config_module.load(test_config))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if app.config["BEHIND_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_outbox_handlers(app)
    register_commands(app)
    if app.config["INPROCESS_WORKER"]:
        from forum import worker

        app.extensions["outbox_worker_stop"] = worker.start(app)
    return app


def register_extensions(app: Flask) -> None:
    from forum import models  # noqa: F401  (complete metadata before binding)
    from forum.extensions import csrf, db, limiter, login_manager, migrate
    from forum.security import register_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The member a session belongs to, while it has not been signed out."""
        from forum.auth.sessions import member_for_session

        return member_for_session(session_id)

    register_security_headers(app)


def register_blueprints(app: Flask) -> None:
    from forum.auth.views import bp as auth_bp
    from forum.community.views import bp as community_bp
    from forum.discussions.views import bp as discussions_bp
    from forum.members.views import bp as members_bp
    from forum.notify.views import bp as notify_bp
    from forum.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    for bp in (community_bp, auth_bp, discussions_bp, members_bp, notify_bp):
        app.register_blueprint(bp)
    _register_optional_blueprints(app)


def _register_optional_blueprints(app: Flask) -> None:
    """Domains added by later issues register here once they exist."""
    import importlib

    for name in ("moderation", "search", "admin", "pages", "qi", "feeds", "events", "cpd",
                 "newsletter", "resources", "shadowing"):
        try:
            module = importlib.import_module(f"forum.{name}.views")
        except ModuleNotFoundError as error:
            if error.name != f"forum.{name}.views":
                raise
            continue
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    from forum.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from forum import templating

    templating.register(app)


def register_outbox_handlers(app: Flask) -> None:
    from forum import outbox
    from forum.notify.mail import deliver

    outbox.register_handler("email", deliver)
    from forum.notify import emails, fanout

    outbox.register_handler("notify", fanout.handle)  # followers, mentions: in-app + batches
    outbox.register_handler("notify_email", emails.send_batches)  # one email per batch window
    from forum.auth.services import apply_link_requests

    outbox.register_handler("auth", apply_link_requests)  # reset and verification links
    from forum.cpd.feed import register as register_cpd

    register_cpd()  # events.attended, events.attendance_removed, shadowing.completed
    from forum.newsletter import sending

    outbox.register_handler("newsletter", sending.handle)  # an issue, in throttled batches
    from forum.newsletter.subscribers import handle_member_verified

    # A newsletter box ticked at registration is confirmed by verifying the email address.
    outbox.register_handler("members.email_verified", handle_member_verified)
    from forum.search import init_app as init_search

    init_search(app)


def register_commands(app: Flask) -> None:
    from forum.cli import register

    register(app)
