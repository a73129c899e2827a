"""The station's application: sessions, CSRF and roles around the pages of `pages.PAGES`."""

from __future__ import annotations

import secrets
from pathlib import Path

import jinja2
from flask import Flask, Response, abort, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.engine import Engine

from ..render.templating import TEMPLATES
from .accounts import ROLES, session_user
from .jobs import release_interrupted
from .outputs import human_size
from .pages import PAGES
from .pages.account import blueprint as account
from .pages.runs import blueprint as runs
from .store import STATION_FOLDER, database_url, open_store
from .web import Station, csrf_ok

HERE = Path(__file__).parent
UPLOAD_MAX = 512 << 20  # one request; each page bounds its own files further
OPEN_ENDPOINTS = {"healthz", "account.login", "static"}


def create_app(data_dir: Path, out_dir: Path, engine: Engine | None = None) -> Flask:
    """Return the application for one campaign: its data folder, output folder and store."""
    app = Flask(__name__, static_folder=str(HERE / "static"), template_folder=None)
    engine = engine or open_store(database_url(data_dir))
    release_interrupted(engine)
    app.extensions["station"] = Station(data_dir, out_dir, engine)
    app.secret_key = _secret_key(data_dir)
    app.config.update(
        MAX_CONTENT_LENGTH=UPLOAD_MAX,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="station",
        STATION_DATA=str(data_dir),
        STATION_OUT=str(out_dir),
    )
    # The documents' environment, with the station's own pages first on its search path.
    app.jinja_loader = jinja2.FileSystemLoader([HERE / "templates", TEMPLATES / "html"])
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.globals.update(pages=PAGES, roles=ROLES)
    app.jinja_env.filters["filesize"] = human_size
    app.register_blueprint(account)
    app.register_blueprint(runs)
    for page in PAGES:
        app.register_blueprint(page.blueprint)
    app.add_url_rule("/healthz", "healthz", lambda: Response("ok", mimetype="text/plain"))
    app.add_url_rule("/", "home", _home)
    app.before_request(_guard)
    app.after_request(_headers)
    for code in (400, 401, 403, 404, 405, 413, 429):
        app.register_error_handler(code, _error_page)
    return app


def _secret_key(data_dir: Path) -> bytes:
    """Return the key that signs session cookies, made once and kept in the data folder."""
    path = data_dir / STATION_FOLDER / "session-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file():
        from .files import write_atomically

        write_atomically(path, secrets.token_hex(32).encode())
        path.chmod(0o600)
    return path.read_bytes().strip()


def _guard() -> ResponseReturnValue | None:
    """Find the session's user; send the anonymous to login; refuse a form without CSRF."""
    from .web import station

    g.user, g.csrf = None, ""
    token = session.get("token")
    if token:
        found = session_user(station().engine, token)
        if found:
            g.user, g.csrf = found
        else:
            session.clear()
    if request.endpoint in OPEN_ENDPOINTS:
        if request.method == "POST" and request.endpoint != "account.login":
            abort(400)
        return None
    if g.user is None:
        if request.method == "GET" and not request.path.startswith("/api/"):
            return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
        abort(401)
    if request.method not in ("GET", "HEAD") and not csrf_ok():
        abort(
            400,
            description="表单已过期或来源不明，请刷新页面后重试 / the form is stale or forged: reload",
        )
    return None


def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'"
    )
    return response


def _home() -> str:
    from .overview import standings
    from .web import station

    return render_template("home.html", standings=standings(station()))


MESSAGES = {
    400: "请求无效 / bad request",
    401: "请先登录 / please log in",
    403: "您的角色不能做这件事 / your role cannot do this",
    404: "没有这个页面 / no such page",
    405: "不支持的操作 / method not allowed",
    413: "上传的文件太大 / the upload is too large",
    429: "尝试过于频繁，请稍后再试 / too many attempts: try again later",
}


def _error_page(error: Exception) -> tuple[str, int]:
    code = getattr(error, "code", 500) or 500
    description = getattr(error, "description", "") or ""
    message = description if description and "/" in description else MESSAGES.get(code, "")
    return render_template("error.html", code=code, message=message), code
