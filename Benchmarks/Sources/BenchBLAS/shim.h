// No stable API: the OpenBLAS declarations the benchmarks call directly.
#ifndef BUIG_BENCH_BLAS_SHIM_H
#define BUIG_BENCH_BLAS_SHIM_H
#include <cblas.h>
#endif
