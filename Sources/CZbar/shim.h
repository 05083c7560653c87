// libzbar's C API (QR decoding); imported by Scan alone.
#include <zbar.h>
