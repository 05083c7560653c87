// GLib and GObject, linked into authv: KeyringStore and PixbufDecoder call them around libsecret and
// gdk-pixbuf (which bring GIO with them when they are opened). This target also gives CLibsecret and
// CGdkPixbuf (headers only) the GLib include paths.
#include <glib-object.h>
