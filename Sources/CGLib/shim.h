// GLib and GObject, linked into authv: PixbufDecoder calls them around gdk-pixbuf (which brings GIO
// with it when it is opened). This target also gives CGdkPixbuf (headers only) the GLib include paths.
#include <glib-object.h>
