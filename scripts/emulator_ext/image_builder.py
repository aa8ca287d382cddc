"""EC2 Image Builder GetImage for moto server, which has no Image Builder at all.

Only GetImage is served: the images function calls it to learn which AMIs an Image Builder
image build version produced (the "EC2 Image Builder Image State Change" event does not name
them). Every other Image Builder operation is answered 501, so nothing else is pretended.

Images cannot be built here, so tests register the image GetImage should return, in the shape
GetImage returns it, with moto's own convention for seeding data that has no AWS call:

    POST /moto-api/static/imagebuilder/images   body: an Image object (at least "arn")

GetImage then answers exactly as AWS documents it (GET /GetImage?imageBuildVersionArn=ARN,
restJson1): 200 {"requestId", "image"}; 404 ResourceNotFoundException for an unknown ARN;
400 InvalidParameterValueException for an ARN that does not match the documented pattern.
/moto-api/reset forgets the registered images along with moto's own state.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

SEED_PATH = "/moto-api/static/imagebuilder/images"
RESET_PATH = "/moto-api/reset"
SIGNING_SCOPE = "/imagebuilder/aws4_request"

# The pattern of GetImage's imageBuildVersionArn in the Image Builder API reference: a build
# version (1.2.3/4) or a version with wildcards (1.x.x).
IMAGE_ARN = re.compile(
    r"^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/"
    r"(?:(?:([0-9]+|x)\.([0-9]+|x)\.([0-9]+|x))|(?:[0-9]+\.[0-9]+\.[0-9]+/[0-9]+))$"
)

_lock = threading.Lock()
_images: dict[str, dict[str, Any]] = {}


def serve(app: WsgiApp) -> WsgiApp:
    """Wraps moto's WSGI app: Image Builder requests and the seeding route are answered here."""

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == SEED_PATH and method == "POST":
            return _seed(environ, start_response)
        if path == RESET_PATH:
            with _lock:
                _images.clear()
            return app(environ, start_response)
        if SIGNING_SCOPE in environ.get("HTTP_AUTHORIZATION", ""):
            if path == "/GetImage" and method == "GET":
                return _get_image(environ, start_response)
            return _respond(start_response, 501, {"message": f"the drift-deploy emulator serves only GetImage of Image Builder, not {method} {path}"},
                            error="NotImplementedException")
        return app(environ, start_response)

    return dispatch


def _seed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        image = json.loads(environ["wsgi.input"].read(length) or b"null")
    except json.JSONDecodeError as error:
        return _respond(start_response, 400, {"message": f"body is not JSON: {error}"})
    if not isinstance(image, dict) or not isinstance(image.get("arn"), str) or not IMAGE_ARN.match(image["arn"]):
        return _respond(start_response, 400, {"message": "body must be an Image Builder Image object with a build version arn"})
    with _lock:
        _images[image["arn"]] = image
    return _respond(start_response, 201, {"arn": image["arn"]})


def _get_image(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    arn = (parse_qs(environ.get("QUERY_STRING", "")).get("imageBuildVersionArn") or [""])[0]
    if not IMAGE_ARN.match(arn):
        return _respond(start_response, 400, {"message": f"The value supplied for parameter 'imageBuildVersionArn' is not valid: {arn!r}"},
                        error="InvalidParameterValueException")
    with _lock:
        image = _images.get(arn)
    if image is None:
        return _respond(start_response, 404, {"message": f"The resource '{arn}' does not exist."},
                        error="ResourceNotFoundException")
    return _respond(start_response, 200, {"requestId": str(uuid.uuid4()), "image": image})


def _respond(start_response: Callable[..., Any], status: int, body: dict[str, Any], error: str | None = None) -> Iterable[bytes]:
    reasons = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 501: "Not Implemented"}
    payload = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
               ("x-amzn-RequestId", str(uuid.uuid4()))]
    if error is not None:
        headers.append(("x-amzn-ErrorType", error))
    start_response(f"{status} {reasons[status]}", headers)
    return [payload]
