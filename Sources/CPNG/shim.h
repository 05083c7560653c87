// libpng's simplified reading API (png_image); imported by Scan alone, for its declarations: Scan opens
// libpng16.so.16 with dlopen at the first PNG it decodes (Sources/Scan/PNGDecoder.swift).
#include <png.h>
// PNG_FORMAT_RGBA is made of other macros, which Swift does not import.
static const png_uint_32 authv_png_format_rgba = PNG_FORMAT_RGBA;
