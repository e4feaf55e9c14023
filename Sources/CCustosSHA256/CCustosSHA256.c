// The module is the header (include/CCustosSHA256.h); SwiftPM needs one source file to build a C target.
#include "CCustosSHA256.h"
