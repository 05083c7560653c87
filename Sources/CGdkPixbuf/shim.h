// gdk-pixbuf (PNG, JPEG, GIF, BMP, TIFF, SVG through loaders); imported by Scan alone.
#include <gdk-pixbuf/gdk-pixbuf.h>
