// authv links zbar's image scanner from libzbar.a instead of loading libzbar.so.0. The shared library
// pulls fourteen others into the process (X11, xcb, V4L, libdbus, libsystemd and theirs): about 1.2 ms
// on every scan, most of what `authv add` spends beyond decoding. The archive needs only its own
// objects, glibc and libjpeg, except for one thing: zbar_scan_image() can announce what it decoded over
// D-Bus, and that code refers to libdbus. It runs only after zbar_image_scanner_request_dbus(scanner, 1),
// which authv never calls (the flag starts at 0), so the references are satisfied here by functions that
// stop the process if they are ever reached. They are hidden: libdbus, if some other library loads it,
// keeps its own.
#include <stdio.h>
#include <stdlib.h>

#define AUTHV_DBUS_OFF(name)                                                                  \
    __attribute__((visibility("hidden"), noreturn)) void name(void) {                        \
        fputs("authv: zbar tried to report over D-Bus (" #name "), which authv never enables\n", \
              stderr);                                                                        \
        abort();                                                                              \
    }

AUTHV_DBUS_OFF(dbus_bus_get)
AUTHV_DBUS_OFF(dbus_bus_release_name)
AUTHV_DBUS_OFF(dbus_bus_request_name)
AUTHV_DBUS_OFF(dbus_connection_flush)
AUTHV_DBUS_OFF(dbus_connection_send)
AUTHV_DBUS_OFF(dbus_error_free)
AUTHV_DBUS_OFF(dbus_error_init)
AUTHV_DBUS_OFF(dbus_error_is_set)
AUTHV_DBUS_OFF(dbus_message_iter_append_basic)
AUTHV_DBUS_OFF(dbus_message_iter_append_fixed_array)
AUTHV_DBUS_OFF(dbus_message_iter_close_container)
AUTHV_DBUS_OFF(dbus_message_iter_init_append)
AUTHV_DBUS_OFF(dbus_message_iter_open_container)
AUTHV_DBUS_OFF(dbus_message_new_signal)
AUTHV_DBUS_OFF(dbus_message_unref)
