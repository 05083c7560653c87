// libzbar's C API (QR decoding), for its types and constants: header only. Scan opens libzbar.so.0 with
// dlopen at the first scan (Sources/Scan/ZbarAPI.swift), so that no other command loads it.
#include <zbar.h>
