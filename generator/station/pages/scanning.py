"""扫描: (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..web import requires

blueprint = Blueprint("scanning", __name__, url_prefix="/scanning")


@blueprint.route("/")
@requires("clerk")
def index():
    return render_template("scanning.html")
