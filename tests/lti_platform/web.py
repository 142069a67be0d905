"""Small helpers shared by the platform's Werkzeug endpoints."""
from __future__ import annotations

import html
import json
import typing as t

from lti1p3platform.response import Response as LibraryResponse
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request, Response


def as_json(data: t.Any, status: int = 200, content_type: str = "application/json",
            headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, content_type=content_type, headers=headers)


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return as_json({"error": error, "error_description": description}, status=status,
                   headers={"Cache-Control": "no-store"})


def page(title: str, body: str, status: int = 200) -> Response:
    return Response(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
                    f'</title></head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>',
                    status=status, content_type="text/html; charset=utf-8")


def from_library(response: LibraryResponse) -> Response:
    """The library's service response as a Werkzeug one."""
    if response.result is None:
        if response.code == 204 or response.code < 400:
            return Response(status=response.code)
        return as_json({"error": response.message}, status=response.code)
    return as_json(response.result, status=response.code, content_type=response.media_type)


def body(request: Request) -> dict[str, t.Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("a JSON object is expected")
    return data


def bearer(request: Request) -> str | None:
    parts = request.headers.get("Authorization", "").split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None
