#ifndef SCHEMAGEN_CSQLITE_SHIM_H
#define SCHEMAGEN_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
