"""The least-privilege check itself (tests/least_privilege.py): what a call needs, how a role is read
from a template, and that a call made by a handler - or by a thread it starts - is recorded under
that handler's function."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from infra.local.template import Template
from tests import least_privilege as lp

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  ShopTable:
    Type: AWS::DynamoDB::Table
    Properties: {}
  ShopSecret:
    Type: AWS::SecretsManager::Secret
  ReaderRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: minishop
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:Query]
                Resource: !GetAtt ShopTable.Arn
              - Effect: Allow
                Action: [dynamodb:Query]
                Resource: !Sub "${ShopTable.Arn}/index/GSI1"
              - Effect: Allow
                Action: [secretsmanager:GetSecretValue]
                Resource: !Ref ShopSecret
  WriterRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: minishop
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:PutItem, dynamodb:UpdateItem]
                Resource: !GetAtt ShopTable.Arn
  ReadFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.lambda_handler
      Role: !GetAtt ReaderRole.Arn
      Environment:
        Variables:
          SHOP_SECRET_ID: !Ref ShopSecret
  WriteFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.lambda_handler
      Role: !GetAtt WriterRole.Arn
"""

TABLE = lp.table_arn("ShopTable")


@pytest.fixture
def small(tmp_path: Path) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return Template(path)


def test_a_call_needs_the_iam_actions_of_its_parts(small: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    def needs(op: str, **params: Any) -> set[tuple[str, str]]:
        return lp.needs("dynamodb", op, params, "ReadFunction", small)

    assert needs("GetItem", TableName="test-ShopTable") == {("dynamodb:GetItem", TABLE)}
    assert needs("Query", TableName="test-ShopTable", IndexName="GSI2") == {("dynamodb:Query", TABLE + "/index/GSI2")}
    assert needs("Scan", TableName="test-ShopTable") == {("dynamodb:Scan", TABLE)}
    assert needs("BatchGetItem", RequestItems={"test-ShopTable": {}}) == {("dynamodb:BatchGetItem", TABLE)}
    assert needs("TransactWriteItems", TransactItems=[
        {"Put": {"TableName": "test-ShopTable"}}, {"Update": {"TableName": "test-ShopTable"}},
        {"ConditionCheck": {"TableName": "test-ShopTable"}}, {"Delete": {"TableName": "test-ShopTable"}},
    ]) == {("dynamodb:PutItem", TABLE), ("dynamodb:UpdateItem", TABLE), ("dynamodb:ConditionCheckItem", TABLE),
           ("dynamodb:DeleteItem", TABLE)}
    assert needs("TransactGetItems", TransactItems=[{"Get": {"TableName": "test-ShopTable"}}]) == {
        ("dynamodb:GetItem", TABLE)}
    assert needs("ExecuteStatement", Statement="SELECT * FROM x") == {("dynamodb:ExecuteStatement", "*")}
    # a secret is the one the function's environment names
    monkeypatch.setenv("SHOP_SECRET_ID", "arn:test:secret-1")
    assert lp.needs("secretsmanager", "GetSecretValue", {"SecretId": "arn:test:secret-1"}, "ReadFunction", small) == {
        ("secretsmanager:GetSecretValue", lp.SECRET.format("ShopSecret"))}
    (action, resource), = lp.needs("secretsmanager", "GetSecretValue", {"SecretId": "arn:test:secret-1"},
                                   "WriteFunction", small)
    assert "does not name" in resource


def test_calls_a_role_does_not_allow_are_named_with_the_function_and_the_action(
        small: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_SECRET_ID", "arn:test:secret-1")
    fine = {"ReadFunction": {("dynamodb:GetItem", TABLE), ("dynamodb:Query", TABLE + "/index/GSI1"),
                             ("secretsmanager:GetSecretValue", lp.SECRET.format("ShopSecret"))},
            "WriteFunction": {("dynamodb:PutItem", TABLE), ("dynamodb:UpdateItem", TABLE)}}
    assert lp.violations(small, fine) == []
    wrong = {"ReadFunction": {("dynamodb:Scan", TABLE), ("dynamodb:Query", TABLE + "/index/GSI2"),
                              ("dynamodb:PutItem", TABLE)},
             "WriteFunction": {("dynamodb:DeleteItem", TABLE), ("dynamodb:GetItem", TABLE)}}
    problems = lp.violations(small, wrong)
    assert len(problems) == 5
    assert any("ReadFunction calls dynamodb:Scan" in p for p in problems)
    assert any("ReadFunction calls dynamodb:Query on " + TABLE + "/index/GSI2" in p for p in problems)
    assert any("WriteFunction calls dynamodb:DeleteItem" in p and "WriterRole" in p for p in problems)


def test_grants_no_function_uses_are_named(small: Template) -> None:
    used = {"ReadFunction": {("dynamodb:GetItem", TABLE)}, "WriteFunction": {("dynamodb:PutItem", TABLE)}}
    problems = lp.unused(small, used)
    assert problems == [
        f"ReaderRole (for ReadFunction) grants dynamodb:Query on {TABLE}, which no handler test of these functions calls",
        f"ReaderRole (for ReadFunction) grants dynamodb:Query on {TABLE}/index/GSI1, which no handler test of these "
        "functions calls",
        f"WriterRole (for WriteFunction) grants dynamodb:UpdateItem on {TABLE}, which no handler test of these "
        "functions calls",
    ]


def test_the_shop_template_is_read_as_roles_per_class(template: Template) -> None:
    roles = lp.roles(template)
    assert {f for r in roles.values() for f in r.functions} == {f.logical_id for f in template.functions()}
    reader = roles[lp.role_of(template, "ListProductsFunction")]
    assert reader.allows("dynamodb:Query", TABLE + "/index/ListingBySales")
    assert not reader.allows("dynamodb:Query", TABLE + "/index/GSI1")
    assert not reader.allows("dynamodb:Scan", TABLE)
    growth = roles[lp.role_of(template, "GrowthEventsFunction")]
    assert growth.allows("dynamodb:GetRecords", TABLE + "/stream/LATEST")
    assert growth.allows("dynamodb:ListStreams", TABLE + "/stream/LATEST")


def test_a_handler_and_the_threads_it_starts_are_recorded_under_its_function() -> None:
    import botocore.session
    from botocore.stub import Stubber

    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(client)
    for _ in range(4):
        stub.add_response("get_item", {})
    seen: list[str | None] = []

    def handler(event: Any, context: Any) -> None:
        client.get_item(TableName="test-ShopTable", Key={"PK": {"S": "a"}})
        thread = threading.Thread(target=lambda: client.get_item(TableName="test-OtherTable", Key={"PK": {"S": "a"}}))
        thread.start()
        thread.join()
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: seen.append(lp.current_function.get())).result()

    fake = "LeastPrivilegeSelfTestFunction"
    try:
        with stub:
            lp._wrap_handler(fake, handler)({}, None)
            client.get_item(TableName="test-ThirdTable", Key={"PK": {"S": "a"}})  # outside any handler
            with ThreadPoolExecutor(1) as pool:  # a pool's worker thread made during a handler...
                lp._wrap_handler(fake, lambda e, c: pool.submit(lambda: None).result())({}, None)
                pool.submit(lambda: seen.append(lp.current_function.get())).result()  # ...works for no one after
        assert lp.recorded[fake] == {("dynamodb:GetItem", TABLE), ("dynamodb:GetItem", lp.table_arn("OtherTable"))}
        assert seen == [fake, None]
    finally:
        lp.recorded.pop(fake, None)
