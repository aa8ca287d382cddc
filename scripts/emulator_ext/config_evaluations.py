"""AWS Config evaluation results for moto server.

moto's PutEvaluations accepts only TestMode and stores nothing. This module makes it store
results and adds GetComplianceDetailsByConfigRule and GetComplianceDetailsByResource, which
answer from that store in AWS's response shape.

On AWS the ResultToken is an opaque token that Config hands to the rule's Lambda function and
that identifies the rule and the triggering event. The emulator has no rule invocations, so
its ResultToken is the name of the Config rule (which must exist, from PutConfigRule).
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import datetime, timezone
from typing import Any

from moto.config.exceptions import (
    InvalidLimitException,
    InvalidNextTokenException,
    InvalidParameterValueException,
    InvalidResultTokenException,
    NoSuchConfigRuleException,
)
from moto.config.models import ConfigBackend
from moto.config.responses import ConfigResponse

REPORTABLE_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
FILTERABLE_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
MAX_EVALUATIONS_PER_CALL = 100
BY_RULE_DEFAULT_LIMIT = 10
BY_RULE_MAX_LIMIT = 100
BY_RESOURCE_PAGE_SIZE = 100

# Kept on the backend object so that moto's /moto-api/reset forgets results with the rules.
_RESULTS_ATTR = "drift_deploy_evaluation_results"
_lock = threading.RLock()


def _results(backend: ConfigBackend) -> dict[tuple[str, str, str], dict[str, Any]]:
    return backend.__dict__.setdefault(_RESULTS_ATTR, {})


def _timestamp(value: Any, field: str) -> datetime:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise InvalidParameterValueException(f"The {field} value {value!r} is not a valid timestamp.")


def _required(evaluation: dict[str, Any], field: str) -> Any:
    value = evaluation.get(field)
    if value in (None, ""):
        raise InvalidParameterValueException(f"The {field} of an evaluation cannot be null or empty.")
    return value


def put_evaluations(
    backend: ConfigBackend, evaluations: list[dict[str, Any]] | None, result_token: str | None, test_mode: bool
) -> dict[str, list[Any]]:
    if not result_token:
        raise InvalidResultTokenException()
    evaluations = evaluations or []
    if len(evaluations) > MAX_EVALUATIONS_PER_CALL:
        raise InvalidParameterValueException(
            f"The Evaluations list cannot contain more than {MAX_EVALUATIONS_PER_CALL} items."
        )
    parsed = []
    for evaluation in evaluations:
        compliance_type = _required(evaluation, "ComplianceType")
        if compliance_type not in REPORTABLE_COMPLIANCE_TYPES:
            raise InvalidParameterValueException(
                f"The ComplianceType {compliance_type} is not valid for PutEvaluations; use one of "
                f"{', '.join(REPORTABLE_COMPLIANCE_TYPES)}."
            )
        parsed.append(
            {
                "ResourceType": _required(evaluation, "ComplianceResourceType"),
                "ResourceId": _required(evaluation, "ComplianceResourceId"),
                "ComplianceType": compliance_type,
                "OrderingTimestamp": _timestamp(_required(evaluation, "OrderingTimestamp"), "OrderingTimestamp"),
                "Annotation": evaluation.get("Annotation"),
            }
        )
    if test_mode:
        return {"FailedEvaluations": []}
    rule_name = result_token
    if rule_name not in backend.config_rules:
        raise NoSuchConfigRuleException(rule_name)
    recorded = datetime.now(tz=timezone.utc)
    results = _results(backend)
    for evaluation in parsed:
        key = (rule_name, evaluation["ResourceType"], evaluation["ResourceId"])
        stored = results.get(key)
        # Config keeps the newest evaluation of a resource: an older OrderingTimestamp loses.
        if stored is not None and stored["OrderingTimestamp"] > evaluation["OrderingTimestamp"]:
            continue
        results[key] = {**evaluation, "ConfigRuleName": rule_name, "ResultRecordedTime": recorded}
    return {"FailedEvaluations": []}


def _compliance_filter(compliance_types: list[str] | None) -> tuple[str, ...]:
    for compliance_type in compliance_types or []:
        if compliance_type not in FILTERABLE_COMPLIANCE_TYPES:
            raise InvalidParameterValueException(
                f"The ComplianceTypes filter value {compliance_type} is not valid; use "
                f"{', '.join(FILTERABLE_COMPLIANCE_TYPES)}."
            )
    return tuple(compliance_types or ())


def _page(
    results: list[dict[str, Any]], next_token: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    start = 0
    if next_token:
        try:
            start = int(base64.urlsafe_b64decode(next_token.encode()).decode())
        except ValueError:
            raise InvalidNextTokenException()
        if not 0 <= start < len(results):
            raise InvalidNextTokenException()
    end = start + limit
    token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(results) else None
    return results[start:end], token


def _describe(result: dict[str, Any]) -> dict[str, Any]:
    described = {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": result["ConfigRuleName"],
                "ResourceType": result["ResourceType"],
                "ResourceId": result["ResourceId"],
                "EvaluationMode": "DETECTIVE",
            },
            "OrderingTimestamp": result["OrderingTimestamp"].timestamp(),
        },
        "ComplianceType": result["ComplianceType"],
        "ResultRecordedTime": result["ResultRecordedTime"].timestamp(),
        # The emulator does not invoke rules; the evaluation arrived when it was recorded.
        "ConfigRuleInvokedTime": result["ResultRecordedTime"].timestamp(),
    }
    if result["Annotation"] is not None:
        described["Annotation"] = result["Annotation"]
    return described


def _matching(
    backend: ConfigBackend, compliance_types: tuple[str, ...], **qualifier: str
) -> list[dict[str, Any]]:
    return sorted(
        (
            result
            for result in _results(backend).values()
            if all(result[field] == value for field, value in qualifier.items())
            and (not compliance_types or result["ComplianceType"] in compliance_types)
        ),
        key=lambda result: (result["ConfigRuleName"], result["ResourceType"], result["ResourceId"]),
    )


def get_compliance_details_by_config_rule(
    backend: ConfigBackend,
    rule_name: str | None,
    compliance_types: list[str] | None,
    limit: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    if not rule_name or rule_name not in backend.config_rules:
        raise NoSuchConfigRuleException(rule_name or "")
    wanted = _compliance_filter(compliance_types)
    if limit is not None and not 0 <= limit <= BY_RULE_MAX_LIMIT:
        raise InvalidLimitException(limit)
    page, token = _page(
        _matching(backend, wanted, ConfigRuleName=rule_name), next_token, limit or BY_RULE_DEFAULT_LIMIT
    )
    return {"EvaluationResults": [_describe(result) for result in page], **({"NextToken": token} if token else {})}


def get_compliance_details_by_resource(
    backend: ConfigBackend,
    resource_type: str | None,
    resource_id: str | None,
    compliance_types: list[str] | None,
    next_token: str | None,
) -> dict[str, Any]:
    if not resource_type or not resource_id:
        raise InvalidParameterValueException(
            "ResourceType and ResourceId are required (the emulator does not support ResourceEvaluationId)."
        )
    wanted = _compliance_filter(compliance_types)
    page, token = _page(
        _matching(backend, wanted, ResourceType=resource_type, ResourceId=resource_id),
        next_token,
        BY_RESOURCE_PAGE_SIZE,
    )
    return {"EvaluationResults": [_describe(result) for result in page], **({"NextToken": token} if token else {})}


# --- moto wiring --------------------------------------------------------------------------


def _put_evaluations(self: ConfigResponse) -> str:
    with _lock:
        answer = put_evaluations(
            self.config_backend,
            self._get_param("Evaluations"),
            self._get_param("ResultToken"),
            bool(self._get_param("TestMode")),
        )
    return json.dumps(answer)


def _get_compliance_details_by_config_rule(self: ConfigResponse) -> str:
    with _lock:
        answer = get_compliance_details_by_config_rule(
            self.config_backend,
            self._get_param("ConfigRuleName"),
            self._get_param("ComplianceTypes"),
            self._get_param("Limit"),
            self._get_param("NextToken"),
        )
    return json.dumps(answer)


def _get_compliance_details_by_resource(self: ConfigResponse) -> str:
    with _lock:
        answer = get_compliance_details_by_resource(
            self.config_backend,
            self._get_param("ResourceType"),
            self._get_param("ResourceId"),
            self._get_param("ComplianceTypes"),
            self._get_param("NextToken"),
        )
    return json.dumps(answer)


def install() -> None:
    """Replaces moto's test-mode-only PutEvaluations and adds the two compliance-details reads."""
    for name in ("get_compliance_details_by_config_rule", "get_compliance_details_by_resource"):
        if hasattr(ConfigResponse, name):
            raise SystemExit(f"moto already implements Config {name}; remove the emulator's extension")
    ConfigResponse.put_evaluations = _put_evaluations
    ConfigResponse.get_compliance_details_by_config_rule = _get_compliance_details_by_config_rule
    ConfigResponse.get_compliance_details_by_resource = _get_compliance_details_by_resource
