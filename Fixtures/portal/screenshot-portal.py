#!/usr/bin/python3
# A desktop portal with the Screenshot interface, as xdg-desktop-portal documents it
# (org.freedesktop.portal.Screenshot, version 2): Screenshot(s parent_window, a{sv} options) -> o handle.
# The handle is /org/freedesktop/portal/desktop/request/SENDER/TOKEN (SENDER: the caller's unique name
# without ':' and with '.' as '_'; TOKEN: options["handle_token"]); once the screenshot is taken, that
# Request object emits Response(u response, a{sv} results) with results["uri"] = file:// URI of a PNG.
# Used by authv's tests on their private session bus:
#   screenshot-portal.py IMAGE FOLDER LOG
# copies IMAGE to a new file in FOLDER for each call (as a portal writes its screenshot), and writes each
# call's options, the handle and the file to LOG, one line each. Answers 1 (cancelled) when
# AUTHV_TEST_PORTAL_CANCEL is set.
import os, shutil, sys, urllib.parse
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib

image, folder, log = sys.argv[1:4]
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()


class Request(dbus.service.Object):
    @dbus.service.signal("org.freedesktop.portal.Request", signature="ua{sv}")
    def Response(self, response, results):
        pass

    @dbus.service.method("org.freedesktop.portal.Request", in_signature="", out_signature="")
    def Close(self):
        self.remove_from_connection()


class Portal(dbus.service.Object):
    count = 0

    @dbus.service.method("org.freedesktop.portal.Screenshot", in_signature="sa{sv}", out_signature="o",
                         sender_keyword="sender")
    def Screenshot(self, parent_window, options, sender):
        token = str(options.get("handle_token", "t%d" % Portal.count))
        Portal.count += 1
        handle = "/org/freedesktop/portal/desktop/request/%s/%s" % (sender[1:].replace(".", "_"), token)
        request = Request(bus, handle)
        shot = os.path.join(folder, "Screenshot-%d.png" % Portal.count)
        shutil.copyfile(image, shot)
        with open(log, "a") as out:
            out.write("call parent=%r interactive=%s token=%s handle=%s file=%s\n"
                      % (str(parent_window), bool(options.get("interactive", False)), token, handle, shot))
        cancel = "AUTHV_TEST_PORTAL_CANCEL" in os.environ

        def respond():
            if cancel:
                request.Response(dbus.UInt32(1), dbus.Dictionary({}, signature="sv"))
            else:
                uri = "file://" + urllib.parse.quote(shot)
                request.Response(dbus.UInt32(0), dbus.Dictionary({"uri": dbus.String(uri, variant_level=1)}, signature="sv"))
            return False

        GLib.timeout_add(100, respond)  # after the method's reply, as a portal answers once the user is done
        return dbus.ObjectPath(handle)

    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        return dbus.UInt32(2)


name = dbus.service.BusName("org.freedesktop.portal.Desktop", bus)
Portal(bus, "/org/freedesktop/portal/desktop")
with open(log, "a") as out:
    out.write("ready\n")
GLib.MainLoop().run()
