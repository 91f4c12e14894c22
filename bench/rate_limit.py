"""Benchmark: what one hit on a rate limit costs, with the product's limiter.

The portal counts every answer save against its limit, so the counter's cost is part of each
save. The limiter keeps a moving window (exact: it remembers each hit in the window); a
sliding-window counter keeps two numbers per key instead. This prints the microseconds per hit
of both, for one busy key and for many keys, so the choice rests on a measurement:

    .venv/bin/python bench/rate_limit.py [--hits 50000]
"""

from __future__ import annotations

import argparse
import json
import logging
import time

from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from app.core.ratelimit import RateLimiter

# (limit, client addresses): portal_load.py's limit with every vendor on one address, and the
# portal's own limit with vendors on many addresses, each under it.
CASES = (("100000/second", 1), ("600/minute", 200))


def _per_hit_us(limiter: RateLimiter, hits: int, keys: int) -> float:
    names = [f"192.0.2.{n}" for n in range(keys)]
    started = time.perf_counter()
    for n in range(hits):
        limiter.hit("portal", names[n % keys])
    return (time.perf_counter() - started) / hits * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=50_000)
    args = parser.parse_args()
    results: dict[str, float] = {}
    logging.getLogger("app.core.ratelimit").setLevel(logging.ERROR)
    for spec, keys in CASES:
        if args.hits / keys >= int(spec.split("/")[0]):
            raise SystemExit(f"--hits too high: {spec} would refuse hits and measure refusals")
        for strategy in ("moving window", "sliding window counter"):
            limiter = RateLimiter({"portal": spec})
            if strategy == "sliding window counter":
                limiter.strategy = SlidingWindowCounterRateLimiter(storage_from_string("memory://"))
            us = _per_hit_us(limiter, args.hits, keys)
            results[f"{spec} {keys} address(es) {strategy}"] = round(us, 2)
            print(f"{spec:>14}  {keys:>3} address(es)  {strategy:<22}  {us:6.2f} µs per hit")
    print(json.dumps({"benchmark": "rate_limit", "hits": args.hits, "us_per_hit": results}))


if __name__ == "__main__":
    main()
