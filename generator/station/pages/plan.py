"""方案与名单: (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..web import requires

blueprint = Blueprint("plan", __name__, url_prefix="/plan")


@blueprint.route("/")
@requires("clerk")
def index():
    return render_template("plan.html")
