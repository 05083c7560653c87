// Links zbar's image scanner into authv from Debian's static libzbar.a (see dbus_off.c for why).
// Nothing to declare: Scan calls zbar through the CZbar module's header.
