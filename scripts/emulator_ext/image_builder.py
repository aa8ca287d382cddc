"""EC2 Image Builder GetImage for moto server, which has no Image Builder service at all.

Only GetImage is added: the images function calls it to learn which AMIs an Image Builder
image build version produced (the "EC2 Image Builder Image State Change" event does not name
them). Every other Image Builder request goes on to moto, which answers it as it answers any
service it lacks.

Image Builder tags every AMI it distributes with the image build version's ARN
(`Ec2ImageBuilderArn`, a key reserved for it, next to `CreatedBy: EC2 Image Builder`). GetImage
is answered from that EC2 state: the AMIs of the ARN's account, in every region the emulator
has EC2 state for, whose `Ec2ImageBuilderArn` tag is the ARN. A test (or the demo) makes an
Image Builder image by registering such an AMI; no emulator-only call is involved.

Request and response follow the Image Builder API reference (restJson1):
GET /GetImage?imageBuildVersionArn=ARN
- 200 {"requestId", "image": {"arn", "name", "version", "type": "AMI", "state": {"status":
  "AVAILABLE"}, "dateCreated", "outputResources": {"amis": [{"region", "image", "name",
  "description", "state": {"status"}, "accountId"}], "containers": []}, "tags"}}; a version ARN
  with wildcards (1.x.x) resolves to the highest matching build version;
- 404 ResourceNotFoundException when no AMI carries the ARN;
- 400 InvalidParameterValueException when the ARN does not match the documented pattern.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from moto.backend_index import backend_url_patterns
from moto.ec2.models import ec2_backends

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

ARN_TAG = "Ec2ImageBuilderArn"
SIGNING_SCOPE = "/imagebuilder/aws4_request"

# imageBuildVersionArn's pattern in the API reference: a build version (1.2.3/4) or a version
# with wildcards (1.x.x).
IMAGE_ARN = re.compile(
    r"^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/"
    r"(?:(?:([0-9]+|x)\.([0-9]+|x)\.([0-9]+|x))|(?:[0-9]+\.[0-9]+\.[0-9]+/[0-9]+))$"
)
BUILD_VERSION = re.compile(r"^(?P<base>.+:image/[a-z0-9-_]+)/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)/(?P<build>[0-9]+)$")


def install() -> None:
    """Refuses to start once moto has an Image Builder service of its own: then drop this module."""
    if any(service == "imagebuilder" for service, _ in backend_url_patterns):
        raise SystemExit("moto already implements Image Builder; remove the emulator's image_builder extension")


def serve(app: WsgiApp) -> WsgiApp:
    """Wraps moto's WSGI app: GetImage requests signed for Image Builder are answered here."""

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (
            SIGNING_SCOPE in environ.get("HTTP_AUTHORIZATION", "")
            and environ.get("REQUEST_METHOD") == "GET"
            and environ.get("PATH_INFO") == "/GetImage"
        ):
            return _get_image(environ, start_response)
        return app(environ, start_response)

    return dispatch


def _get_image(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    arn = (parse_qs(environ.get("QUERY_STRING", "")).get("imageBuildVersionArn") or [""])[0]
    if not IMAGE_ARN.match(arn):
        return _error(start_response, 400, "InvalidParameterValueException",
                      f"The value supplied for parameter 'imageBuildVersionArn' is not valid: {arn}")
    builds = _builds_matching(arn)
    if not builds:
        return _error(start_response, 404, "ResourceNotFoundException", f"The resource '{arn}' does not exist.")
    build_arn = max(builds, key=_version_key)
    return _respond(start_response, 200, {"requestId": str(uuid.uuid4()), "image": _image(build_arn, builds[build_arn])})


def _builds_matching(arn: str) -> dict[str, list[tuple[str, Any]]]:
    """Build version ARN -> [(region, AMI)] for every tagged AMI whose build version the ARN names."""
    account = arn.split(":")[4]
    if BUILD_VERSION.match(arn):
        wanted = re.compile("^" + re.escape(arn) + "$")
    else:
        base, version = arn.rsplit("/", 1)
        parts = [r"[0-9]+" if part == "x" else re.escape(part) for part in version.split(".")]
        wanted = re.compile("^" + re.escape(base) + "/" + r"\.".join(parts) + r"/[0-9]+$")
    builds: dict[str, list[tuple[str, Any]]] = {}
    # Only regions that already have EC2 state: reading the others would create them.
    for region, backend in dict.items(ec2_backends[account]):
        for ami in list(backend.amis.values()):
            # The tag store by resource id, not ami.get_tags(): that filters every tag of the region for each
            # AMI, and with the 1,000-odd images moto ships and the tags a test run leaves, one GetImage took
            # longer than the SDK's 25 s call timeout. dict.get: the store is a defaultdict, and a read must
            # not add an entry.
            build_arn = dict.get(backend.tags, ami.id, {}).get(ARN_TAG, "")
            if wanted.match(build_arn):
                builds.setdefault(build_arn, []).append((region, ami))
    return builds


def _version_key(build_arn: str) -> tuple[int, ...]:
    match = BUILD_VERSION.match(build_arn)
    return tuple(int(part) for part in match["version"].split(".")) + (int(match["build"]),) if match else ()


def _image(build_arn: str, amis: list[tuple[str, Any]]) -> dict[str, Any]:
    match = BUILD_VERSION.match(build_arn)
    name = match["base"].rsplit("/", 1)[1] if match else build_arn
    created = min(ami.creation_date for _, ami in amis)
    return {
        "arn": build_arn,
        "name": name,
        "version": f"{match['version']}/{match['build']}" if match else "",
        "type": "AMI",
        "state": {"status": "AVAILABLE"},
        "dateCreated": _timestamp(created),
        "outputResources": {
            "amis": [
                {
                    "region": region,
                    "image": ami.id,
                    "name": ami.name,
                    "description": ami.description,
                    "state": {"status": "AVAILABLE" if ami.state == "available" else ami.state.upper()},
                    "accountId": ami.owner_id,
                }
                for region, ami in amis
            ],
            "containers": [],
        },
        "tags": {},
    }


def _timestamp(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if hasattr(value, "strftime") else str(value)


def _error(start_response: Callable[..., Any], status: int, code: str, message: str) -> Iterable[bytes]:
    return _respond(start_response, status, {"message": message}, error=code)


def _respond(start_response: Callable[..., Any], status: int, body: dict[str, Any], error: str | None = None) -> Iterable[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found"}
    payload = json.dumps(body).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(payload))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ]
    if error is not None:
        headers.append(("x-amzn-ErrorType", error))
    start_response(f"{status} {reasons[status]}", headers)
    return [payload]
