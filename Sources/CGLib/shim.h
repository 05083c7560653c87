// GLib, GObject and GIO, linked into authv: GDBus reads the keyring for list and code. This target also
// gives CLibsecret and CGdkPixbuf (headers only, opened with dlopen) the GLib include paths.
#include <gio/gio.h>
