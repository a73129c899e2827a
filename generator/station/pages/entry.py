"""录入: (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..web import requires

blueprint = Blueprint("entry", __name__, url_prefix="/entry")


@blueprint.route("/")
@requires("clerk")
def index():
    return render_template("entry.html")
