#ifndef STMOE_CGSL_SHIM_H
#define STMOE_CGSL_SHIM_H
// OpenBLAS's cblas.h first, then tell GSL its own CBLAS header is already in, so the two
// CBLAS enum definitions never meet in one Swift module.
#include <cblas.h>
#define __GSL_CBLAS_H__ 1
#include <gsl/gsl_errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_sf_gamma.h>
#endif
