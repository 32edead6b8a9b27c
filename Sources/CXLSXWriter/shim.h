// The module map names this file, not <xlsxwriter.h>: a bare header name in a module map is
// resolved relative to the map, while this include goes through the system search path.
#include <xlsxwriter.h>
