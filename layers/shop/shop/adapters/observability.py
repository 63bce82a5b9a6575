"""One Logger and one Metrics per function process. Service name and namespace come from the
POWERTOOLS_* environment variables the template sets.

botocore and urllib3 log whole request and response bodies at DEBUG - DynamoDB items holding a
session_key among them - so their loggers are held at WARNING whatever level the function logs at.
"""

import logging
import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

for _name in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_name).setLevel(logging.WARNING)

# A request that adds no metric of its own is normal (a catalog read); Powertools warns about it.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
metrics = Metrics()

__all__ = ["logger", "metrics", "MetricUnit"]
