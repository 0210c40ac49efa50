#ifndef SCHEMAGEN_BENCH_CSQLITE_SHIM_H
#define SCHEMAGEN_BENCH_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
