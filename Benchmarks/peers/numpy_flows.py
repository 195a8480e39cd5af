#!/usr/bin/env python3
"""NumPy peer of buig's flow kernel.

The same monthly step as FlowKernel, written as a competent NumPy user would: one matmul of the
stock matrix X against the shared S x 3S matrix [A | D_work | D_ladder] into a preallocated array
(out=), then the per-path scalars as broadcast multiplies and adds into preallocated arrays:

    W = X @ [A | D_work | D_ladder]
    X = W_A + s_work * W_Dwork + s_ladder * W_Dladder + inflow (x) v     (per path, per state)
    acc += X                                  (12 month-end stocks of the year)
    onBenefit, priced = acc @ [onBenefitMask | priceFactor] / 12

Two modes:

  tiled    (default; the strongest) the paths in tiles of --tile paths; each tile runs through
           all months while its arrays (X, W, the accumulator and two temporaries: T x 7S
           doubles, 1.9 MiB at T = 1,024 and S = 34) sit in the cache, as the Swift kernel's
           tiles do. A tile's stocks are held as S x T, one path per column (--layout
           state-rows): W = [A | D_work | D_ladder]^T X is then 3S x T, its three blocks are
           contiguous, and every elementwise operation runs along rows of T paths instead of
           rows of S states. With --threads 2 the tiles are handed out from a shared counter to
           two Python threads with one BLAS thread each (NumPy releases the GIL in matmul and
           in its elementwise loops), as the Swift kernel's two workers are. The default tile
           (DEFAULT_TILE) was chosen by measurement with --sweep (see Benchmarks/README.md);
           --layout path-rows and --parallel blas are the variants that measured slower.
  untiled  month by month over all B paths at once, X as B x S, with --threads BLAS threads:
           the B x S and B x 3S arrays leave the cache once B is large.

The operations run in the same order as the Swift kernel's, so the results differ from it only
by the last bits of the two BLAS libraries' products. The inputs and the Swift results come from
.npy files written by the benchmark harness (--dir). The result must equal the Swift result to
1e-9 relative in every element, or the script exits with 1.

Prints one JSON object on standard output: seconds of the timed simulation (loading and
allocation excluded), the mode, tile, layout and threads, the largest relative difference, and
numpy's BLAS as threadpoolctl sees it. With --sweep T1,T2,... it instead times the tiled mode at
every tile size (--sweep-reps rounds of all sizes in turn, every result checked) and prints one
JSON object with every time.
"""
import argparse
import itertools
import json
import os
import sys
import threading
import time

# numpy is imported in main(), once the number of BLAS threads is in the environment (so that
# OpenBLAS starts with it even where threadpoolctl is missing).
np = None

TOLERANCE = 1e-9
# The tile the tiled mode uses unless --tile says otherwise: the best of a sweep of 256..16384
# paths per tile at S = 34 and 36, B = 10,000 and 100,000, on 1 and 2 threads (within 5% of each
# case's best tile on geometric mean; Benchmarks/README.md has the sweep).
DEFAULT_TILE = 1024


def load(d):
    names = [
        "transition", "workDelta", "ladderDelta", "inflowShape", "initialShape",
        "onBenefitMask", "priceFactor", "initial", "ladderScalar", "workScalar", "inflow",
        "expectedOnBenefit", "expectedPriced", "expectedFinalTotal",
    ]
    return {n: np.load(os.path.join(d, n + ".npy")) for n in names}


class Buffers:
    """The arrays one thread writes for `rows` paths at a time (one path per row in the
    path-rows layout, per column in the state-rows layout), allocated and touched once before
    timing. The outputs, which cover all paths, are shared by the threads of a run."""

    def __init__(self, rows, states, layout, outputs):
        r, s = rows, states
        shape = (lambda k: (r, k)) if layout == "path-rows" else (lambda k: (k, r))
        self.X = np.ones(shape(s))
        self.W = np.ones(shape(3 * s))
        self.acc = np.ones(shape(s))
        self.tmp = np.ones(shape(s))
        self.fin = np.ones(shape(s))
        self.R = np.ones(shape(2))
        self.sw = np.ones((r, 1))
        self.inflow = np.ones((r, 1))
        self.onBenefit, self.priced, self.finalTotal = outputs


def outputs(paths, years):
    return np.ones((paths, years)), np.ones((paths, years)), np.ones(paths)


def shared(inp):
    C = np.ascontiguousarray(
        np.concatenate([inp["transition"], inp["workDelta"], inp["ladderDelta"]], axis=1))
    readout = np.ascontiguousarray(np.stack([inp["onBenefitMask"], inp["priceFactor"]], axis=1))
    return C, readout


def simulate_path_rows(inp, buf, C, readout, start, stop):
    """Paths start..<stop through all months, one path per row (X is T x S), in buf's first
    stop - start rows."""
    s = C.shape[0]
    years = inp["workScalar"].shape[1]
    t = stop - start
    X, W, acc, tmp, fin, R = buf.X[:t], buf.W[:t], buf.acc[:t], buf.tmp[:t], buf.fin[:t], buf.R[:t]
    sw, inflow = buf.sw[:t], buf.inflow[:t]
    WA, Ww, Wl = W[:, :s], W[:, s:2 * s], W[:, 2 * s:]
    sl = inp["ladderScalar"][start:stop, None]
    work, inflows = inp["workScalar"][start:stop], inp["inflow"][start:stop]
    shape = inp["inflowShape"][None, :]
    np.multiply(inp["initial"][start:stop, None], inp["initialShape"][None, :], out=X)
    for y in range(years):
        np.copyto(sw[:, 0], work[:, y])
        np.copyto(inflow[:, 0], inflows[:, y])
        # The inflow term is the same in every month of the year: formed once a year.
        np.multiply(inflow, shape, out=fin)
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
        np.divide(R[:, 0], 12.0, out=buf.onBenefit[start:stop, y])
        np.divide(R[:, 1], 12.0, out=buf.priced[start:stop, y])
    np.sum(X, axis=1, out=buf.finalTotal[start:stop])


def simulate_state_rows(inp, buf, CT, readoutT, start, stop):
    """Paths start..<stop through all months, one path per column (X is S x T, W = C^T X is
    3S x T), in buf's first stop - start columns: every elementwise operation then runs over
    long contiguous rows of T paths, and W_A, W_work and W_ladder are contiguous blocks."""
    s = CT.shape[1]
    years = inp["workScalar"].shape[1]
    t = stop - start
    X, W, acc, tmp = buf.X[:, :t], buf.W[:, :t], buf.acc[:, :t], buf.tmp[:, :t]
    fin, R = buf.fin[:, :t], buf.R[:, :t]
    WA, Ww, Wl = W[:s], W[s:2 * s], W[2 * s:]
    sl = inp["ladderScalar"][None, start:stop]
    workT, inflowT = inp["workScalarT"], inp["inflowT"]  # Y x B, made once per run
    shape = inp["inflowShape"][:, None]
    np.multiply(inp["initialShape"][:, None], inp["initial"][None, start:stop], out=X)
    for y in range(years):
        sw = workT[y:y + 1, start:stop]
        # The inflow term is the same in every month of the year: formed once a year.
        np.multiply(shape, inflowT[y:y + 1, start:stop], out=fin)
        acc.fill(0.0)
        for _ in range(12):
            np.matmul(CT, X, out=W)
            np.multiply(Ww, sw, out=X)
            np.add(WA, X, out=X)
            np.multiply(Wl, sl, out=tmp)
            np.add(X, tmp, out=X)
            np.add(X, fin, out=X)
            np.add(acc, X, out=acc)
        np.matmul(readoutT, acc, out=R)
        np.divide(R[0], 12.0, out=buf.onBenefit[start:stop, y])
        np.divide(R[1], 12.0, out=buf.priced[start:stop, y])
    np.sum(X, axis=0, out=buf.finalTotal[start:stop])


def simulate(inp, bufs, tile, layout):
    """All paths in tiles of `tile` paths (tile >= B: all paths at once, the untiled peer), the
    tiles handed out in order from a shared counter to one Python thread per buffer set in
    `bufs` (NumPy releases the GIL inside matmul and the elementwise loops)."""
    C, readout = shared(inp)
    if layout == "state-rows":
        C, readout = np.ascontiguousarray(C.T), np.ascontiguousarray(readout.T)
        # Each year's work scalars and inflows as one contiguous row (timed: part of the run).
        inp = dict(inp, workScalarT=np.ascontiguousarray(inp["workScalar"].T),
                   inflowT=np.ascontiguousarray(inp["inflow"].T))
    step = simulate_state_rows if layout == "state-rows" else simulate_path_rows
    paths = inp["workScalar"].shape[0]
    starts = range(0, paths, tile)
    counter = itertools.count()

    def work(buf):
        for i in counter:
            if i >= len(starts):
                return
            step(inp, buf, C, readout, starts[i], min(paths, starts[i] + tile))

    if len(bufs) == 1:
        work(bufs[0])
    else:
        threads = [threading.Thread(target=work, args=(b,)) for b in bufs]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    return bufs[0].onBenefit, bufs[0].priced, bufs[0].finalTotal


def warm(bufs, states, layout):
    """Starts the BLAS threads on a product of the timed shape, in every Python thread's
    buffers."""
    C = np.ones((states, 3 * states))
    for buf in bufs:
        if layout == "path-rows":
            rows = min(buf.X.shape[0], 4096)
            np.matmul(buf.X[:rows], C, out=buf.W[:rows])
        else:
            cols = min(buf.X.shape[1], 4096)
            np.matmul(C.T, buf.X[:, :cols], out=buf.W[:, :cols])


def max_relative_difference(a, b):
    d = np.abs(a - b)
    if not np.all(np.isfinite(d)):
        return float("inf")
    nz = d > 0
    if not np.any(nz):
        return 0.0
    return float(np.max(d[nz] / np.abs(b[nz])))


def check(inp, ob, pr, ft):
    return max(
        max_relative_difference(ob, inp["expectedOnBenefit"]),
        max_relative_difference(pr, inp["expectedPriced"]),
        max_relative_difference(ft, inp["expectedFinalTotal"]),
    )


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


def run_once(inp, tile, layout, workers):
    """Allocates and warms the buffers, then times one simulation; returns seconds and the
    largest relative difference from the Swift results."""
    paths, years = inp["workScalar"].shape
    states = inp["transition"].shape[0]
    out = outputs(paths, years)
    bufs = [Buffers(min(tile, paths), states, layout, out) for _ in range(workers)]
    warm(bufs, states, layout)
    t0 = time.perf_counter()
    ob, pr, ft = simulate(inp, bufs, tile, layout)
    seconds = time.perf_counter() - t0
    return seconds, check(inp, ob, pr, ft)


def sweep(inp, tiles, reps, layout, workers):
    """Times the tiled mode at every tile size, `reps` rounds of all sizes in turn; every run's
    result is checked."""
    paths, years = inp["workScalar"].shape
    times = {t: [] for t in tiles}
    worst = 0.0
    for _ in range(reps):
        for t in tiles:
            seconds, diff = run_once(inp, t, layout, workers)
            times[t].append(seconds)
            worst = max(worst, diff)
    pm = paths * 12 * years
    rows = [
        {"tile": t, "seconds": times[t], "pathMonthsPerSecond": pm / float(np.median(times[t]))}
        for t in tiles
    ]
    best = max(rows, key=lambda r: r["pathMonthsPerSecond"])
    return {"sweep": rows, "bestTile": best["tile"], "reps": reps, "maxRelativeDifference": worst}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="folder of .npy inputs written by the harness")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads the peer may use (default 1; 0: one Python thread and numpy's "
                    "default BLAS threads)")
    ap.add_argument("--mode", choices=["tiled", "untiled"], default="tiled")
    ap.add_argument("--tile", type=int, default=DEFAULT_TILE,
                    help=f"paths per tile in the tiled mode (default {DEFAULT_TILE})")
    ap.add_argument("--layout", choices=["state-rows", "path-rows"],
                    help="tiled mode: X as S x T (state-rows, the default) or T x S (path-rows); "
                    "the untiled mode is always path-rows")
    ap.add_argument("--parallel", choices=["workers", "blas"],
                    help="tiled mode: --threads Python threads over tiles with one BLAS thread "
                    "each (workers, the default), or one Python thread with --threads BLAS "
                    "threads (blas); the untiled mode is always blas")
    ap.add_argument("--sweep", help="comma-separated tile sizes: time the tiled mode at each")
    ap.add_argument("--sweep-reps", type=int, default=3, help="rounds of the sweep (default 3)")
    args = ap.parse_args()
    if args.tile < 1 or args.threads < 0:
        ap.error("--tile must be positive and --threads not negative")
    tiled = args.mode == "tiled"
    layout = (args.layout or "state-rows") if tiled else "path-rows"
    parallel = (args.parallel or "workers") if tiled else "blas"
    workers = args.threads if parallel == "workers" and args.threads > 1 else 1
    blas_threads = 1 if workers > 1 else args.threads
    if blas_threads:
        os.environ["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    global np
    import numpy as np
    blas, _limiter = blas_info(blas_threads)
    inp = load(args.dir)
    paths, years = inp["workScalar"].shape
    states = inp["transition"].shape[0]
    common = {
        "mode": args.mode, "layout": layout, "parallel": parallel, "threads": args.threads,
        "pythonThreads": workers, "blasThreads": blas_threads, "paths": paths, "states": states,
        "months": 12 * years, "tolerance": TOLERANCE, "numpy": np.__version__, "blas": blas,
    }
    if args.sweep:
        result = sweep(inp, [int(t) for t in args.sweep.split(",")], args.sweep_reps, layout,
                       workers)
        worst = result["maxRelativeDifference"]
    else:
        tile = min(args.tile, paths) if tiled else paths
        seconds, worst = run_once(inp, tile, layout, workers)
        result = {"seconds": seconds, "tile": tile, "maxRelativeDifference": worst}
    result = dict({"ok": worst <= TOLERANCE}, **result, **common)
    print(json.dumps(result))
    if worst > TOLERANCE:
        print(
            f"numpy_flows: result differs from the Swift kernel's by {worst:.3e} relative "
            f"(tolerance {TOLERANCE:g})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
