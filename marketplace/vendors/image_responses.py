"""Sending a stored image file: cached for a year when public (names never change), else privately."""
from __future__ import annotations

from flask import current_app, send_from_directory

from . import images

PUBLIC_IMAGE_CACHE = "public, max-age=31536000, immutable"


def image_response(file_name: str, public: bool):
    response = send_from_directory(images.folder_of(current_app.config["UPLOAD_FOLDER"]), file_name,
                                   mimetype=images.CONTENT_TYPE)
    response.headers["Cache-Control"] = PUBLIC_IMAGE_CACHE if public else "private, no-cache"
    return response
