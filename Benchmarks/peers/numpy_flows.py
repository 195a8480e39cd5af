#!/usr/bin/env python3
"""NumPy peer of buig's flow kernel.

The same monthly step as FlowKernel, written as a competent NumPy user would: month by month
over all B paths at once, one matmul of the B x S stock matrix X against the shared S x 3S matrix
[A | D_work | D_ladder] into a preallocated B x 3S array (out=), then the per-path scalars as
broadcast multiplies and adds into preallocated arrays:

    W = X @ [A | D_work | D_ladder]
    X = W_A + s_work * W_Dwork + s_ladder * W_Dladder + inflow (x) v     (per path, per state)
    acc += X                                  (12 month-end stocks of the year)
    onBenefit, priced = acc @ [onBenefitMask | priceFactor] / 12

The operations run in the same order as the Swift kernel's, so the results differ from it only
by the last bits of the two BLAS libraries' products. The inputs and the Swift results come from
.npy files written by the benchmark harness (--dir). The result must equal the Swift result to
1e-9 relative in every element, or the script exits with 1.

Prints one JSON object on standard output: seconds of the timed simulation (loading and
allocation excluded), the largest relative difference, and numpy's BLAS as threadpoolctl sees it.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

TOLERANCE = 1e-9


def load(d):
    names = [
        "transition", "workDelta", "ladderDelta", "inflowShape", "initialShape",
        "onBenefitMask", "priceFactor", "initial", "ladderScalar", "workScalar", "inflow",
        "expectedOnBenefit", "expectedPriced", "expectedFinalTotal",
    ]
    return {n: np.load(os.path.join(d, n + ".npy")) for n in names}


class Buffers:
    """Every array the simulation writes, allocated and touched once before timing."""

    def __init__(self, paths, states, years):
        b, s = paths, states
        self.X = np.ones((b, s))
        self.W = np.ones((b, 3 * s))
        self.acc = np.ones((b, s))
        self.tmp = np.ones((b, s))
        self.fin = np.ones((b, s))
        self.R = np.ones((b, 2))
        self.onBenefit = np.ones((b, years))
        self.priced = np.ones((b, years))


def simulate(inp, buf):
    s = inp["transition"].shape[0]
    years = inp["workScalar"].shape[1]
    C = np.ascontiguousarray(
        np.concatenate([inp["transition"], inp["workDelta"], inp["ladderDelta"]], axis=1))
    readout = np.ascontiguousarray(np.stack([inp["onBenefitMask"], inp["priceFactor"]], axis=1))
    shape = inp["inflowShape"]
    X, W, acc, tmp, fin, R = buf.X, buf.W, buf.acc, buf.tmp, buf.fin, buf.R
    WA, Ww, Wl = W[:, :s], W[:, s:2 * s], W[:, 2 * s:]
    sl = inp["ladderScalar"][:, None]
    np.multiply(inp["initial"][:, None], inp["initialShape"][None, :], out=X)
    for y in range(years):
        sw = np.ascontiguousarray(inp["workScalar"][:, y])[:, None]
        # The inflow term is the same in every month of the year: formed once a year.
        np.multiply(np.ascontiguousarray(inp["inflow"][:, y])[:, None], shape[None, :], out=fin)
        acc.fill(0.0)
        for _ in range(12):
            np.matmul(X, C, out=W)
            np.multiply(Ww, sw, out=X)
            np.add(WA, X, out=X)
            np.multiply(Wl, sl, out=tmp)
            np.add(X, tmp, out=X)
            np.add(X, fin, out=X)
            np.add(acc, X, out=acc)
        np.matmul(acc, readout, out=R)
        np.divide(R[:, 0], 12.0, out=buf.onBenefit[:, y])
        np.divide(R[:, 1], 12.0, out=buf.priced[:, y])
    return buf.onBenefit, buf.priced, X.sum(axis=1)


def max_relative_difference(a, b):
    d = np.abs(a - b)
    if not np.all(np.isfinite(d)):
        return float("inf")
    nz = d > 0
    if not np.any(nz):
        return 0.0
    return float(np.max(d[nz] / np.abs(b[nz])))


def blas_info(threads):
    try:
        import threadpoolctl
    except ImportError:
        return {"threadpoolctl": None}, None
    limiter = threadpoolctl.threadpool_limits(limits=threads, user_api="blas") if threads else None
    info = [
        {k: m.get(k) for k in ("internal_api", "version", "num_threads", "architecture", "threading_layer")}
        for m in threadpoolctl.threadpool_info() if m.get("user_api") == "blas"
    ]
    return {"threadpoolctl": threadpoolctl.__version__, "libraries": info}, limiter


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="folder of .npy inputs written by the harness")
    ap.add_argument("--threads", type=int, default=0, help="BLAS threads (0: numpy's default)")
    args = ap.parse_args()
    blas, _limiter = blas_info(args.threads)
    inp = load(args.dir)
    paths, years = inp["workScalar"].shape
    states = inp["transition"].shape[0]
    buf = Buffers(paths, states, years)
    # Warm the BLAS threads on a product of the timed shape.
    np.matmul(buf.X[: min(paths, 4096)], np.ones((states, 3 * states)), out=buf.W[: min(paths, 4096)])
    t0 = time.perf_counter()
    ob, pr, ft = simulate(inp, buf)
    seconds = time.perf_counter() - t0
    worst = max(
        max_relative_difference(ob, inp["expectedOnBenefit"]),
        max_relative_difference(pr, inp["expectedPriced"]),
        max_relative_difference(ft, inp["expectedFinalTotal"]),
    )
    result = {
        "ok": worst <= TOLERANCE,
        "seconds": seconds,
        "paths": paths,
        "states": states,
        "months": 12 * years,
        "maxRelativeDifference": worst,
        "tolerance": TOLERANCE,
        "threads": args.threads,
        "numpy": np.__version__,
        "blas": blas,
    }
    print(json.dumps(result))
    if worst > TOLERANCE:
        print(
            f"numpy_flows: result differs from the Swift kernel's by {worst:.3e} relative "
            f"(tolerance {TOLERANCE:g})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
