internal import CLibsecret
import SharedLibrary

/// The libsecret functions KeyringStore calls, looked up once in libsecret-1.so.0 when the first
/// KeyringStore is made (see SharedLibrary for why it is not linked). Types as the header declares them.
struct Libsecret: @unchecked Sendable {
    typealias Cancellable = UnsafeMutablePointer<GCancellable>?
    typealias ErrorOut = UnsafeMutablePointer<UnsafeMutablePointer<GError>?>?
    typealias Service = UnsafeMutablePointer<SecretService>?
    typealias Item = UnsafeMutablePointer<SecretItem>?
    typealias Schema = UnsafePointer<SecretSchema>?
    typealias Paths = UnsafeMutablePointer<UnsafePointer<gchar>?>?
    typealias PathsOut = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<gchar>?>?>?
    typealias Text = UnsafePointer<gchar>?

    let serviceGetSync: @convention(c) (SecretServiceFlags, Cancellable, ErrorOut) -> Service
    let serviceSearchForDbusPathsSync: @convention(c) (Service, Schema, OpaquePointer?, Cancellable, PathsOut, PathsOut, ErrorOut) -> gboolean
    let serviceGetSecretsForDbusPathsSync: @convention(c) (Service, Paths, Cancellable, ErrorOut) -> OpaquePointer?
    let serviceUnlockDbusPathsSync: @convention(c) (Service, Paths, Cancellable, PathsOut, ErrorOut) -> gint
    let serviceStoreSync: @convention(c) (Service, Schema, OpaquePointer?, Text, Text, OpaquePointer?, Cancellable, ErrorOut) -> gboolean
    let serviceClearSync: @convention(c) (Service, Schema, OpaquePointer?, Cancellable, ErrorOut) -> gboolean
    let serviceDeleteItemDbusPathSync: @convention(c) (Service, Text, Cancellable, ErrorOut) -> gboolean
    let itemNewForDbusPathSync: @convention(c) (Service, Text, SecretItemFlags, Cancellable, ErrorOut) -> Item
    let itemGetAttributes: @convention(c) (Item) -> OpaquePointer?
    let itemSetAttributesSync: @convention(c) (Item, Schema, OpaquePointer?, Cancellable, ErrorOut) -> gboolean
    let itemSetLabelSync: @convention(c) (Item, Text, Cancellable, ErrorOut) -> gboolean
    let itemSetSecretSync: @convention(c) (Item, OpaquePointer?, Cancellable, ErrorOut) -> gboolean
    let schemaNewv: @convention(c) (Text, SecretSchemaFlags, OpaquePointer?) -> UnsafeMutablePointer<SecretSchema>  // never NULL
    let schemaUnref: @convention(c) (UnsafeMutablePointer<SecretSchema>?) -> Void
    let valueNew: @convention(c) (Text, gssize, Text) -> OpaquePointer?
    let valueGet: @convention(c) (OpaquePointer?, UnsafeMutablePointer<gsize>?) -> Text
    let valueUnref: @convention(c) (gpointer?) -> Void

    /// libsecret, or why it is not there; opened on first use, once per process.
    static let shared = Result { () throws(SharedLibrary.Missing) -> Libsecret in try Libsecret(SharedLibrary("libsecret-1.so.0")) }

    private init(_ library: SharedLibrary) throws(SharedLibrary.Missing) {
        serviceGetSync = try library.function("secret_service_get_sync")
        serviceSearchForDbusPathsSync = try library.function("secret_service_search_for_dbus_paths_sync")
        serviceGetSecretsForDbusPathsSync = try library.function("secret_service_get_secrets_for_dbus_paths_sync")
        serviceUnlockDbusPathsSync = try library.function("secret_service_unlock_dbus_paths_sync")
        serviceStoreSync = try library.function("secret_service_store_sync")
        serviceClearSync = try library.function("secret_service_clear_sync")
        serviceDeleteItemDbusPathSync = try library.function("secret_service_delete_item_dbus_path_sync")
        itemNewForDbusPathSync = try library.function("secret_item_new_for_dbus_path_sync")
        itemGetAttributes = try library.function("secret_item_get_attributes")
        itemSetAttributesSync = try library.function("secret_item_set_attributes_sync")
        itemSetLabelSync = try library.function("secret_item_set_label_sync")
        itemSetSecretSync = try library.function("secret_item_set_secret_sync")
        schemaNewv = try library.function("secret_schema_newv")
        schemaUnref = try library.function("secret_schema_unref")
        valueNew = try library.function("secret_value_new")
        valueGet = try library.function("secret_value_get")
        valueUnref = try library.function("secret_value_unref")
    }
}
