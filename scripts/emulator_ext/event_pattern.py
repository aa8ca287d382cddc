"""EventBridge TestEventPattern for moto server.

moto 5.x routes TestEventPattern to a method that does nothing (an empty 200 answer, which SDKs
cannot parse), although moto matches rule patterns itself when it delivers PutEvents. This
module answers TestEventPattern with that same matcher, so a pattern tested here matches exactly
as it would route on the emulator's buses, and it validates its inputs as AWS documents: the
pattern must parse (InvalidEventPatternException) and the event must be JSON carrying the
envelope fields AWS requires (id, account, source, time, region, resources, detail-type).
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from moto.events.exceptions import InvalidEventPatternException, ValidationException
from moto.events.models import EventPattern
from moto.events.responses import EventsHandler

REQUIRED_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")


def _test_event_pattern(self: EventsHandler) -> str:
    raw_pattern = self._get_param("EventPattern")
    raw_event = self._get_param("Event")
    if not raw_pattern:
        raise ValidationException("EventPattern is required.")
    if not raw_event:
        raise ValidationException("Event is required.")
    try:
        event: Any = json.loads(raw_event)
    except ValueError as error:
        raise ValidationException(f"Event is not valid JSON: {error}") from error
    if not isinstance(event, dict):
        raise ValidationException("Event must be a JSON object.")
    missing = [field for field in REQUIRED_EVENT_FIELDS if field not in event]
    if missing:
        raise ValidationException(f"Parameter Event is not valid. Missing fields: {', '.join(missing)}.")
    try:
        pattern = EventPattern.load(raw_pattern)
    except InvalidEventPatternException:
        raise
    except ValueError as error:
        raise InvalidEventPatternException(str(error)) from error
    return json.dumps({"Result": pattern.matches_event(event)})


def install() -> None:
    """Replaces moto's empty TestEventPattern with one that answers from moto's own matcher."""
    native = inspect.getsource(EventsHandler.test_event_pattern)
    if not native.rstrip().endswith("pass"):
        raise SystemExit("moto now implements EventBridge TestEventPattern; remove the emulator's extension")
    EventsHandler.test_event_pattern = _test_event_pattern
