// libqrencode; imported by Scan alone, for its declarations: Scan opens the library with dlopen at the
// first QR code it draws (Sources/Scan/QRencodeAPI.swift), so `code` and `list` never load it.
#include <qrencode.h>
