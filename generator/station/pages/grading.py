"""评定: (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..web import requires

blueprint = Blueprint("grading", __name__, url_prefix="/grading")


@blueprint.route("/")
@requires("committee")
def index():
    return render_template("grading.html")
