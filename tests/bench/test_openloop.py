"""The open-loop load test: arrivals keep their schedule however slow the answers are, and
the capacity is the last rate that kept its p95 and had no errors."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.openloop import (
    P95_LIMIT,
    REFINE_STEPS,
    Capacity,
    StepResult,
    find_capacity,
    request_bytes,
    run_step,
)


async def _against(handler, **step):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with server:
            return await run_step(port, [request_bytes("/", port=port)], **step)
    finally:
        server.close()


def _run(coroutine):
    """asyncio.run in a thread of its own: a browser test earlier in the session may leave an
    event loop running in this one (Playwright's sync API), where asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_requests_start_on_schedule_while_earlier_ones_wait_for_answers():
    arrivals, open_now, peak = [], 0, 0

    async def slow(reader, writer):
        nonlocal open_now, peak
        await reader.readuntil(b"\r\n\r\n")
        arrivals.append(time.monotonic())
        open_now += 1
        peak = max(peak, open_now)
        await asyncio.sleep(0.5)  # every answer takes half a second
        open_now -= 1
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    result = _run(_against(slow, rate=40, seconds=1.0))
    assert result.sent == result.ok == len(arrivals) == 40
    # Request i arrives i/40 s after the first, not after the answer before it...
    first = arrivals[0]
    late = sorted(abs((at - first) - index / 40) for index, at in enumerate(sorted(arrivals)))
    assert late[len(late) // 2] < 0.03 and late[-1] < 0.25, late  # (a busy machine: slack)
    # ...so about 20 are waiting for their answer at once (a closed loop would have 1).
    assert peak >= 12
    assert result.p50 >= 0.5


def test_a_queue_in_front_of_the_server_counts_in_the_latency():
    """Served one at a time (50 ms each: 20/s) while 40/s arrive, the later requests wait in
    line; their time counts from when they were due, so the p95 shows the queue."""
    line = None

    async def one_at_a_time(reader, writer):
        nonlocal line
        line = line or asyncio.Lock()
        await reader.readuntil(b"\r\n\r\n")
        async with line:
            await asyncio.sleep(0.05)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    result = _run(_against(one_at_a_time, rate=40, seconds=1.0))
    assert result.ok == 40
    assert result.p95 > 0.5  # the last ones were due at ~1 s and answered at ~2 s
    assert not result.passed


def test_wrong_answers_are_errors():
    async def refuses(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    result = _run(_against(refuses, rate=20, seconds=0.5))
    assert result.errors == result.sent == 10
    assert result.error_examples == ["HTTP 500"]
    assert not result.passed


def _server_with_capacity(capacity: float):
    """A fake step: fine below CAPACITY requests per second, p95 far too slow above it."""
    asked = []

    def step(rate: float) -> StepResult:
        asked.append(rate)
        fine = rate <= capacity
        return StepResult(
            rate=rate,
            seconds=10,
            sent=int(rate * 10),
            ok=int(rate * 10),
            p50=0.02,
            p95=0.05 if fine else P95_LIMIT * 4,
        )

    return step, asked


def test_the_capacity_is_the_last_rate_that_kept_its_p95():
    step, asked = _server_with_capacity(50)
    steps, best, failed = find_capacity(step, start_rate=10, refine=0)
    assert [round(rate, 2) for rate in asked] == [10, 15, 22.5, 33.75, 50.62, 50.62]
    assert best.rate == 33.75
    assert failed.rate == asked[-1]  # the failure confirmed once at the same rate
    assert len(steps) == len(asked)


def test_after_the_first_failure_the_rate_is_bisected_between_kept_and_failed():
    step, asked = _server_with_capacity(45)
    steps, best, failed = find_capacity(step, start_rate=10)
    # Up by 1.5 until 50.62 fails twice; then the geometric means of the bracket:
    # sqrt(33.75 * 50.62) = 41.34 passes, sqrt(41.34 * 50.62) = 45.74 fails.
    assert [round(rate, 2) for rate in asked] == [10, 15, 22.5, 33.75, 50.62, 50.62, 41.34, 45.74]
    assert round(best.rate, 2) == 41.34 and round(failed.rate, 2) == 45.74
    assert len(steps) == len(asked) == 6 + REFINE_STEPS


@pytest.mark.parametrize("capacity", [3.3, 7, 12.5, 19.9, 42, 57.2, 99, 298.9, 443])
def test_the_capacity_is_known_to_about_eleven_percent(capacity):
    """Whatever the page's real capacity, the reported one lies below it and the lowest rate
    that failed above it, at most 1.5 ** (1/4) = 1.107 apart (two bisections of x1.5)."""
    step, _asked = _server_with_capacity(capacity)
    for start in (capacity / 5, capacity * 0.9, capacity * 1.3, capacity * 2.5):
        _steps, best, failed = find_capacity(step, start_rate=start)
        assert best.rate <= capacity < failed.rate
        result = Capacity("page", "page", _steps, best=best, failed=failed)
        assert result.precision <= 1.5**0.25 + 1e-9
        assert result.rps == best.throughput


def test_a_noisy_failure_while_bisecting_only_lowers_the_capacity():
    """A bisection step that fails for another process's sake is not retried: the capacity
    comes out lower (within the bracket), never above a rate that failed."""
    step, asked = _server_with_capacity(45)
    noisy = {41.34}

    def flaky(rate):
        result = step(rate)
        if round(rate, 2) in noisy:
            result.p95 = P95_LIMIT * 2
        return result

    _steps, best, failed = find_capacity(flaky, start_rate=10)
    # 41.34 "failed", then sqrt(33.75 * 41.34) = 37.35 passed: 37.35, where 41.34 was right.
    assert [round(rate, 2) for rate in asked[-2:]] == [41.34, 37.35]
    assert round(best.rate, 2) == 37.35 and round(failed.rate, 2) == 41.34
    assert best.rate < 45


def test_a_first_guess_too_high_goes_down_before_going_up():
    step, asked = _server_with_capacity(20)
    _steps, best, _failed = find_capacity(step, start_rate=100)
    assert asked[:2] == [100, 100 / 1.5**2]
    assert best is not None and best.rate <= 20 < best.rate * 1.5
