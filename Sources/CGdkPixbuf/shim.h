// gdk-pixbuf (PNG, JPEG, GIF, BMP, TIFF, SVG through loaders); imported by Scan alone, for its
// declarations: Scan opens the library with dlopen (Sources/Scan/GdkPixbufAPI.swift).
#include <gdk-pixbuf/gdk-pixbuf.h>
