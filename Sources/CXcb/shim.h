// libxcb's and its Xinerama extension's C API, for types only: Scan opens libxcb.so.1 and
// libxcb-xinerama.so.0 with dlopen when `add --screen` first captures the screen (Sources/Scan/X11Capture.swift).
#include <xcb/xcb.h>
#include <xcb/xinerama.h>
