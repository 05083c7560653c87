// A C face for the one call authv makes to zxing-cpp (Debian's libZXing, a C++ library without a C API in
// the version Debian ships): read every QR code in an 8-bit grey image. zxing_shim.cpp opens
// libZXing.so.2 with dlopen at the first call, so that only a scan that zbar could not read loads it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One QR code: its payload's bytes (as the code holds them when it has no ECI header; converted to
/// UTF-8 per its ECI segments when it has one) and the top-left corner of its bounding box.
typedef void (*authv_zxing_found)(void *context, const uint8_t *bytes, size_t length, int x, int y);

/// Opens libZXing once per process. 0 when it is there; otherwise -1 and a message in `error`.
int authv_zxing_open(char *error, size_t error_size);

/// Reads the QR codes in `grey` (width x height, rows packed), calling `found` for each; returns how many.
/// authv_zxing_open must have succeeded.
int authv_zxing_read(const uint8_t *grey, int width, int height, authv_zxing_found found, void *context);

#ifdef __cplusplus
}
#endif
