"""template.yaml translated to plain CloudFormation by the SAM translator (the `samtranslator` package,
aws-sam-translator on PyPI) - what CloudFormation itself would be given, to count resources.

The translator is imported from the test environment when it is installed there; otherwise this file
runs as a script under the SAM CLI's virtualenv (.venv-sam, `make lint` creates it), which ships the
translator, with the template as JSON on standard input and the translation on standard output.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
REGION = "us-east-1"


class TranslatorUnavailable(RuntimeError):
    pass


def _prepare(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Local code paths become S3 URIs (as `sam validate` does) and every parameter gets a value."""
    template = copy.deepcopy(template)
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://minishop-artifacts/function.zip"
        if resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(props.get("ContentUri"), str):
            props["ContentUri"] = "s3://minishop-artifacts/layer.zip"
    parameters = {name: p.get("Default", "x" * 400) for name, p in template.get("Parameters", {}).items()}
    parameters.update({"AWS::Region": REGION, "AWS::Partition": "aws"})
    return template, parameters


def _translate_here(template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:  # the template names no AWS managed policy by name
        def load(self) -> dict[str, str]:
            return {}

    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = REGION  # the translator asks boto3 for the region
    try:
        return transform(template, parameters, NoManagedPolicies())  # type: ignore[arg-type]
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous


def translate(template: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template SAM makes of ``template`` (the long-form dict that
    infra.local.template.load returns)."""
    prepared, parameters = _prepare(template)
    try:
        import samtranslator  # noqa: F401
    except ImportError:
        pass
    else:
        return _translate_here(prepared, parameters)
    if not SAM_PYTHON.exists():
        raise TranslatorUnavailable(
            "the SAM translator (aws-sam-translator) is neither installed in the test environment nor in "
            f"{SAM_PYTHON.parent.parent.name} (`make lint` creates it)")
    done = subprocess.run(
        [str(SAM_PYTHON), __file__], input=json.dumps({"template": prepared, "parameters": parameters}),
        capture_output=True, text=True, timeout=300, env={**os.environ, "AWS_DEFAULT_REGION": REGION},
    )
    if done.returncode != 0:
        raise RuntimeError(f"the SAM translator failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def resource_counts(translated: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in translated["Resources"].values():
        counts[resource["Type"]] = counts.get(resource["Type"], 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(_translate_here(request["template"], request["parameters"]), sys.stdout)
