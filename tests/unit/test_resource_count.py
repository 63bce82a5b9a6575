"""CloudFormation takes at most 500 resources per stack, counted after the SAM transform. The template
must stay well below that today, and still fit with 150 functions (the coming issues add 60+): the
functions share their bounded context's log group and their permission class's role, so a function
costs its AWS::Lambda::Function and one AWS::Lambda::Permission per route (a schedule adds a rule,
a stream an event source mapping)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from infra.local.template import Template
from tests.sam_translate import TranslatorUnavailable, resource_counts, translate

CLOUDFORMATION_LIMIT = 500
TODAY_LIMIT = 350
AT_150_LIMIT = 450  # 150 functions leave room for 50 more roles, log groups, queues, alarms, ...


def _translated(raw: dict[str, Any]) -> dict[str, Any]:
    try:
        return translate(raw)
    except TranslatorUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def translated(template: Template) -> dict[str, Any]:
    return _translated(template.raw)


def test_the_template_translates_to_at_most_350_resources(translated: dict[str, Any]) -> None:
    count = len(translated["Resources"])
    assert count <= TODAY_LIMIT, f"{count} resources after the SAM transform: {resource_counts(translated)}"


def test_functions_share_roles_and_log_groups(template: Template, translated: dict[str, Any]) -> None:
    counts = resource_counts(translated)
    functions = counts["AWS::Lambda::Function"]
    assert functions == len(template.functions())
    function_roles = [r for r in translated["Resources"].values() if r["Type"] == "AWS::IAM::Role" and
                      r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] ==
                      {"Service": "lambda.amazonaws.com"}]
    assert len(function_roles) <= functions // 2, counts  # SAM made no role of its own
    assert counts.get("AWS::Logs::LogGroup", 0) <= 10, counts


def with_synthetic_functions(raw: dict[str, Any], total: int) -> dict[str, Any]:
    """The template with copies of its functions (routes moved under /synthetic/<n>, same role, log
    group, events and settings) until it has ``total`` functions."""
    raw = copy.deepcopy(raw)
    resources = raw["Resources"]
    originals = [(k, v) for k, v in resources.items()
                 if v["Type"] == "AWS::Serverless::Function" and k != "FallbackFunction"]  # one $default only
    count = sum(1 for v in resources.values() if v["Type"] == "AWS::Serverless::Function")
    for n, (logical_id, resource) in zip(itertools.count(1), itertools.cycle(originals)):
        if count >= total:
            break
        clone = copy.deepcopy(resource)
        for event in (clone["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi" and "Path" in event["Properties"]:
                event["Properties"]["Path"] = f"/synthetic/{n}{event['Properties']['Path']}"
        resources[f"Synthetic{n:03d}{logical_id}"] = clone
        count += 1
    return raw


def test_150_functions_fit_with_room_to_spare(template: Template) -> None:
    functions = len(template.functions())
    raw = with_synthetic_functions(template.raw, 150)
    translated = _translated(raw)
    counts = resource_counts(translated)
    assert counts["AWS::Lambda::Function"] == 150, (functions, counts)
    total = len(translated["Resources"])
    assert total < AT_150_LIMIT < CLOUDFORMATION_LIMIT, f"{total} resources with 150 functions: {counts}"
