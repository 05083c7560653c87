// libzbar's C API (QR decoding); imported by Scan alone, for its types and constants. The library itself
// is not linked: Scan opens it with dlopen on the first scan, so that the commands that never scan
// (code, list) do not pay for loading it and the X11, V4L and D-Bus libraries it pulls in.
#include <zbar.h>
