// Intentionally empty: SwiftPM needs a source file for the header-only target.
#include "CFuzzDriver.h"
