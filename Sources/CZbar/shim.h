// libzbar's C API (QR decoding); imported by Scan alone. The library is linked statically from Debian's
// libzbar.a by the CZbarStatic target (Sources/CZbarStatic/dbus_off.c says why).
#include <zbar.h>
