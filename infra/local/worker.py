"""One Lambda execution environment: a process that imports a function's handler once (its cold
start) and then serves invocations one at a time, like a warm Lambda instance.

Run by the gateway as ``python worker.py``; it is given the function's environment (template
variables, AWS_LAMBDA_* variables, local endpoints) and two paths that play /var/task and
/opt/python. Invocations arrive on stdin as JSON lines; results leave as JSON lines on the file
descriptor named by LOCAL_WORKER_RESULT_FD, so the function's own stdout (its logs) stays free.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


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


def main() -> None:
    # Python put this script's folder first on sys.path; Lambda has /var/task then /opt/python.
    sys.path.pop(0)
    sys.path[0:0] = [os.environ["LAMBDA_TASK_ROOT"], os.environ["LOCAL_LAYER_PATH"]]
    result = os.fdopen(int(os.environ["LOCAL_WORKER_RESULT_FD"]), "w", encoding="utf-8")
    module_name, attribute = os.environ["_HANDLER"].rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), attribute)
    timeout_ms = int(os.environ.get("LOCAL_FUNCTION_TIMEOUT", "3")) * 1000
    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(request["request_id"], int(time.time() * 1000) + timeout_ms)
        try:
            answer: dict[str, Any] = {"ok": handler(request["event"], context)}
        except Exception as exc:  # noqa: BLE001 - reported like the Lambda service reports it
            traceback.print_exc()
            answer = {"error": {"errorType": type(exc).__name__, "errorMessage": str(exc)}}
        sys.stdout.flush()
        sys.stderr.flush()
        result.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
        result.flush()


if __name__ == "__main__":
    main()
