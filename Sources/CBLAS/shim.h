#ifndef STMOE_CBLAS_SHIM_H
#define STMOE_CBLAS_SHIM_H
#include <cblas.h>
#endif
