"""The billing arithmetic of bench/analytics.py that does not come from a measurement: Firehose's
5 KB rounding, the S3 objects Firehose's buffer writes, X-Ray's default sampling, the visitor mix."""

from __future__ import annotations

import random

from bench.analytics import (ALL_PRICES, EXTRA_PRICES, firehose_billed_bytes, s3_objects_per_month, visitor_mix,
                             xray_share)
from bench.cost import PRICES


def test_firehose_bills_each_record_in_5_kb_increments() -> None:
    assert firehose_billed_bytes(1) == 5120
    assert firehose_billed_bytes(1393) == 5120  # a typical 20-event batch
    assert firehose_billed_bytes(5120) == 5120
    assert firehose_billed_bytes(5121) == 10240
    assert firehose_billed_bytes(0) == 5120  # a record is never free


def test_s3_objects_follow_the_300_s_buffer_until_64_mb_fill_one_sooner() -> None:
    assert s3_objects_per_month(0) == 30 * 16 * 12  # one object per 5 minutes of the busy hours
    assert s3_objects_per_month(70e6) == 5760
    assert s3_objects_per_month(1e12) == 1e12 // (64 * 1024 * 1024) + 1  # the size limit decides


def test_xray_keeps_one_a_second_and_5_percent_of_the_rest() -> None:
    assert xray_share(0.02) == 1.0
    assert xray_share(1) == 1.0
    assert xray_share(101) == (1 + 0.05 * 100) / 101
    assert 0.05 < xray_share(10_000) < 0.051


def test_visitor_mix_gives_each_visitor_one_to_five_batches() -> None:
    mix = visitor_mix(500, random.Random(1))
    assert len(mix) == 500
    counts = [mix.count(v) for v in set(mix)]
    assert max(counts) <= 5 and min(counts) >= 1
    assert 0.55 < 1 - len(counts) / len(mix) < 0.75  # about two batches in three are a returning visitor's
    assert min(visitor_mix(10, random.Random(1), first=1000)) >= 1000


def test_prices_extend_cost_py_in_its_shape_without_changing_it() -> None:
    assert all(ALL_PRICES[k] == v for k, v in PRICES.items())
    assert ALL_PRICES["firehose_gb"][1] == 0.029 and ALL_PRICES["s3_put"][1] == 0.005
    assert all(len(v) == 4 for v in EXTRA_PRICES.values())


def test_the_roll_up_is_priced_per_marker_read_and_per_hourly_run() -> None:
    from bench.analytics import ROLLUP_READS_PER_MARKER, Bill, Run, add_rollup

    roll = Run("RollupStatsFunction", 512)
    roll.invocations, roll.billed_ms, roll.log_bytes = 1, 1000, 300
    roll.usage.rru, roll.usage.wru = 5.0, 8.0
    busy, quiet = Bill(), Bill()
    add_rollup(busy, roll, 1000, "busy")
    add_rollup(quiet, roll, 1000, "quiet")
    reads = 5.0 / 1000 * ROLLUP_READS_PER_MARKER * 50_000  # every batch's marker, read that many times
    assert busy.rru == quiet.rru == reads
    assert (busy.requests, busy.wru) == (1, 8.0)  # 50,000 batches at 100 a second: within one hour
    assert (quiet.requests, quiet.wru) == (723, 723 * 8.0)  # one every 52 s: a month of hourly runs
