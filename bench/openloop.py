"""An open-loop load test: requests arrive at a fixed rate, stepped up until the page gives.

A closed loop (N users, each waiting for its answer before asking again) slows down with the
server and so never finds where it gives: it offers what the server can take. Here each
request starts on its schedule (rate R: request i at i/R seconds) whether or not earlier ones
have been answered, and its time counts from that scheduled moment, so a queue in front of
the workers shows up in the latency instead of being hidden by a waiting generator. The rate
goes up by FACTOR per step of STEP_SECONDS until the p95 passes P95_LIMIT or a request fails;
then REFINE_STEPS more steps bisect between the last rate kept and the first that failed (at
their geometric mean), so the capacity is known to within FACTOR ** (1 / 2 ** REFINE_STEPS)
(1.5 and 2 steps: about 11%) instead of a factor 1.5. The capacity of a page is the highest
rate it kept (its answered requests per second).

One asyncio loop, raw sockets on 127.0.0.1, one connection per request (gunicorn's sync
workers close it after each). The generator's own cost is measured beside it: its CPU use
per step, how late it started requests, and the capacity it reaches against a server that
answers 204 at once (bench/static204.py).
"""

import asyncio
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
P95_LIMIT = 0.250
FACTOR = 1.5
# Bisection steps after the first failure: each halves the gap (in ratio) between the rate
# kept and the rate that failed. Two add 2 steps (~22 s at 10 s a step) per page and bring
# the precision from x1.5 to x1.107; a third would add 11 s more for x1.052.
REFINE_STEPS = 2
STEP_SECONDS = 10.0
TIMEOUT = 10.0
MAX_OUTSTANDING = 2000  # beyond this, an arrival is counted as failed (dropped), not sent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class StepResult:
    rate: float  # offered: requests started per second
    seconds: float
    sent: int = 0
    ok: int = 0
    errors: int = 0
    p50: float | None = None
    p95: float | None = None
    lag_p95: float = 0.0  # how late the generator started requests against the schedule
    cpu_share: float = 0.0  # the generator's CPU seconds per second of the step
    error_examples: list = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Answered requests per second of the schedule."""
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def passed(self) -> bool:
        return self.errors == 0 and self.p95 is not None and self.p95 <= P95_LIMIT


@dataclass
class Capacity:
    name: str
    label: str
    steps: list[StepResult]
    best: StepResult | None = None  # the highest rate that passed
    failed: StepResult | None = None  # the lowest rate above it that did not
    urls: int = 1  # how many different requests it rotated over

    @property
    def rps(self) -> float | None:
        return None if self.best is None else self.best.throughput

    @property
    def precision(self) -> float | None:
        """How far apart the rate kept and the lowest rate that failed are (1.107: the page
        gives somewhere within 10.7% above its capacity); None if either is missing."""
        if self.best is None or self.failed is None:
            return None
        return self.failed.rate / self.best.rate


def request_bytes(path: str, *, port: int, cookie: str = "", headers: dict | None = None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        # As a TLS-terminating proxy would say (production settings trust it).
        "X-Forwarded-Proto: https",
        "Connection: close",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def fetch(port: int, raw: bytes) -> int:
    """Send RAW, read the whole answer (to the connection's end); return its status."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(raw)
        await writer.drain()
        data = await reader.read(-1)
    finally:
        writer.close()
    if not data.startswith(b"HTTP/1."):
        raise ConnectionError("no HTTP answer")
    return int(data[9:12])


async def run_step(
    port: int,
    requests: list[bytes],
    *,
    rate: float,
    seconds: float = STEP_SECONDS,
    expected: tuple = (200,),
    timeout: float = TIMEOUT,
    on_arrival: Callable[[int, float], None] | None = None,
) -> StepResult:
    """Start round(RATE * SECONDS) requests at RATE per second, rotating over REQUESTS."""
    loop = asyncio.get_running_loop()
    count = max(1, round(rate * seconds))
    result = StepResult(rate=rate, seconds=count / rate)
    latencies: list[float] = []
    lags: list[float] = []
    examples: set[str] = set()
    outstanding = 0

    async def one(index: int, scheduled: float) -> None:
        nonlocal outstanding
        lags.append(loop.time() - scheduled)
        try:
            status = await asyncio.wait_for(fetch(port, requests[index % len(requests)]), timeout)
            ok, detail = status in expected, f"HTTP {status}"
        except TimeoutError:
            ok, detail = False, f"no answer within {timeout:.0f} s"
        except OSError as exc:
            ok, detail = False, type(exc).__name__
        finally:
            outstanding -= 1
        if ok:
            result.ok += 1
            latencies.append(loop.time() - scheduled)
        else:
            result.errors += 1
            examples.add(detail)

    tasks = []
    cpu_started = time.process_time()
    start = loop.time() + 0.01
    for index in range(count):
        scheduled = start + index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if on_arrival is not None:
            on_arrival(index, scheduled)
        result.sent += 1
        if outstanding >= MAX_OUTSTANDING:
            result.errors += 1
            examples.add(f"over {MAX_OUTSTANDING} requests waiting")
            continue
        outstanding += 1
        tasks.append(asyncio.create_task(one(index, scheduled)))
    await asyncio.gather(*tasks)
    result.cpu_share = (time.process_time() - cpu_started) / max(1e-9, loop.time() - start)
    if latencies:
        result.p50 = statistics.median(latencies)
        result.p95 = percentile(latencies, 0.95)
    result.lag_p95 = percentile(lags, 0.95) if lags else 0.0
    result.error_examples = sorted(examples)[:3]
    return result


def find_capacity(
    step: Callable[[float], StepResult],
    *,
    start_rate: float,
    factor: float = FACTOR,
    max_steps: int = 14,
    max_down: int = 3,
    min_rate: float = 0.5,
    refine: int = REFINE_STEPS,
) -> tuple[list[StepResult], StepResult | None, StepResult | None]:
    """Step the rate up by FACTOR from START_RATE until a step fails twice in a row, then
    REFINE times bisect between the last rate that passed and the lowest that failed; return
    the steps, the highest rate that passed and the lowest above it that failed. A first step
    that fails is tried again lower (by FACTOR squared, at most MAX_DOWN times), so a wrong
    guess still finds the capacity."""
    steps: list[StepResult] = []
    best = failed = None
    rate, downs = start_rate, 0
    while len(steps) < max_steps:
        result = step(rate)
        steps.append(result)
        if not result.passed and best is not None:
            # On a shared machine one step can fail for another process's sake: a failure
            # after a pass is confirmed once at the same rate before it ends the search.
            result = step(rate)
            steps.append(result)
        if result.passed:
            best, rate = result, rate * factor
            continue
        failed = result
        if best is None and downs < max_down and rate / factor**2 >= min_rate:
            downs += 1
            rate /= factor**2
            continue
        break
    if best is not None and failed is not None and failed.rate > best.rate:
        best, failed = _bisect(step, steps, best, failed, times=refine)
    return steps, best, failed


def _bisect(step, steps: list, best: StepResult, failed: StepResult, *, times: int):
    """Narrow the gap between BEST (passed) and FAILED (a higher rate that did not) TIMES
    times at their geometric mean: the ratio between them goes from r to its square root.

    A failure here is not confirmed again (as the upward search's is): a step that failed
    for another process's sake makes the capacity lower by at most the gap, never higher.
    """
    for _ in range(times):
        result = step(math.sqrt(best.rate * failed.rate))
        steps.append(result)
        if result.passed:
            best = result
        else:
            failed = result
    return best, failed


def measure_capacity(
    name: str,
    label: str,
    port: int,
    requests: list[bytes],
    *,
    start_rate: float,
    seconds: float = STEP_SECONDS,
    expected: tuple = (200,),
    log=print,
) -> Capacity:
    def step(rate: float) -> StepResult:
        result = asyncio.run(
            run_step(port, requests, rate=rate, seconds=seconds, expected=expected)
        )
        log(
            f"    {name:20} {rate:8.1f}/s offered: {result.throughput:8.1f}/s answered, "
            f"p50 {_ms(result.p50)}, p95 {_ms(result.p95)}, {result.errors} errors, generator "
            f"CPU {result.cpu_share:.0%}, late p95 {result.lag_p95 * 1000:.1f} ms"
            + (f" ({'; '.join(result.error_examples)})" if result.error_examples else "")
        )
        time.sleep(1.0)  # let the queue drain before the next rate
        return result

    steps, best, failed = find_capacity(step, start_rate=start_rate)
    return Capacity(
        name=name, label=label, steps=steps, best=best, failed=failed, urls=len(requests)
    )


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms"
