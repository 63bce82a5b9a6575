"""One Lambda execution environment: a process that runs its function's init phase once (imports
the handler: the cold start) and then serves invocations one at a time, like a warm Lambda instance.

Run by the gateway as ``python worker.py``; it is given the function's environment (template
variables, AWS_LAMBDA_* variables, local endpoints) and two paths that play /var/task and
/opt/python. As in Lambda, the init phase is not part of any invocation: once the handler is
imported the worker says so (``{"ready": ...}``, or ``{"init_error": ...}`` if the import failed)
and only then is it given work, so the gateway times the init phase against its own limit and each
invocation against the function's Timeout. Invocations arrive on stdin as JSON lines (with the
invocation's deadline); results leave as JSON lines on the file descriptor named by
LOCAL_WORKER_RESULT_FD, so the function's own stdout (its logs) stays free.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any, TextIO


class LambdaContext:
    """The context object Lambda passes to a handler (the attributes Powertools reads)."""

    def __init__(self, request_id: str, deadline_ms: int, function_name: str | None = None) -> None:
        self.aws_request_id = request_id
        self.function_name = function_name or os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"))
        region = os.environ.get("AWS_REGION", "us-east-1")
        self.invoked_function_arn = f"arn:aws:lambda:{region}:123456789012:function:{self.function_name}"
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def _send(result: TextIO, answer: dict[str, Any]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    result.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
    result.flush()


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, str]:
    return {"errorType": error_type or type(exc).__name__, "errorMessage": str(exc)}


def main() -> None:
    # Python put this script's folder first on sys.path; Lambda has /var/task then /opt/python.
    sys.path.pop(0)
    sys.path[0:0] = [os.environ["LAMBDA_TASK_ROOT"], os.environ["LOCAL_LAYER_PATH"]]
    result = os.fdopen(int(os.environ["LOCAL_WORKER_RESULT_FD"]), "w", encoding="utf-8")
    # ---- init phase: imports and module-level work, timed by the gateway against the init limit
    started = time.monotonic()
    module_name, attribute = os.environ["_HANDLER"].rsplit(".", 1)
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except Exception as exc:  # noqa: BLE001 - Lambda reports a failed init as Runtime.ImportModuleError
        traceback.print_exc()
        _send(result, {"init_error": _error(exc, "Runtime.ImportModuleError")})
        sys.exit(1)
    _send(result, {"ready": {"init_ms": round((time.monotonic() - started) * 1000)}})
    # ---- invoke phase: one invocation at a time, each with its own deadline
    timeout_ms = int(os.environ.get("LOCAL_FUNCTION_TIMEOUT", "3")) * 1000
    for line in sys.stdin:
        request = json.loads(line)
        deadline_ms = request.get("deadline_ms") or int(time.time() * 1000) + timeout_ms
        context = LambdaContext(request["request_id"], deadline_ms)
        try:
            answer: dict[str, Any] = {"ok": handler(request["event"], context)}
        except Exception as exc:  # noqa: BLE001 - reported like the Lambda service reports it
            traceback.print_exc()
            answer = {"error": _error(exc)}
        _send(result, answer)


if __name__ == "__main__":
    main()
