// No stable API: the C declarations the engine needs from OpenBLAS and LAPACK.
#ifndef BUIG_CBLAS_SHIM_H
#define BUIG_CBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>

// LAPACK (Fortran calling convention: column-major, every argument by pointer,
// a hidden trailing length per character argument). libopenblas exports these.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);
#endif
