"""Logging in and out, and the admin's list of accounts."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from ..accounts import (
    AccountError,
    add_user,
    authenticate,
    close_session,
    list_users,
    open_session,
    too_many_failures,
)
from ..store import record
from ..web import audit, requires, station

blueprint = Blueprint("account", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", error="", name="")
    engine = station().engine
    name = request.form.get("name", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "?"
    if too_many_failures(engine, name, address):
        abort(429)
    found = authenticate(engine, name, password, address)
    if found is None:
        error = "用户名或密码不正确 / wrong name or password"
        return render_template("login.html", error=error, name=name), 401
    session.clear()
    session["token"] = open_session(engine, found)
    record(engine, found.name, "登录 / logged in")
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home")
    return redirect(target)


@blueprint.route("/logout", methods=["POST"])
def logout():
    audit("退出 / logged out")
    close_session(station().engine, session.get("token", ""))
    session.clear()
    return redirect(url_for("account.login"))


@blueprint.route("/users", methods=["GET", "POST"])
@requires("admin")
def users():
    engine = station().engine
    message = error = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        try:
            made = add_user(
                engine, name, request.form.get("role", ""), request.form.get("password", "")
            )
            audit("设置账号 / set an account", f"{made.name} ({made.role})")
            message = f"已设置账号 {made.name} / account set"
        except AccountError as e:
            error = str(e)
    return render_template(
        "users.html", users=list_users(engine), message=message, error=error, me=g.user
    )
