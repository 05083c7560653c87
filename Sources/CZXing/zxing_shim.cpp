// See include/CZXing.h. The functions that live in libZXing (not inline in its headers) are looked up by
// their C++ names with dlsym; each lookup's type is checked at compile time against the header's
// declaration, so a changed signature fails the build instead of corrupting memory. Nothing here refers
// to a libZXing symbol directly: the library is not linked.
#include "CZXing.h"

// Result::text() and ecLevel() are inline in either form and unused here: this only takes the form the
// header asks for, which silences its warning about the change.
#define ZX_USE_UTF8

#include <ReadBarcode.h>  // in the folder pkg-config names (zxing.pc: .../include/ZXing)
#include <Result.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <iconv.h>
#include <mutex>
#include <string>
#include <type_traits>

namespace {

using namespace ZXing;

using ReadBarcodesFunction = Results (*)(const ImageView &, const DecodeHints &);
using BytesMember = const ByteArray &(Result::*)() const;
using HasECIMember = bool (Result::*)() const;
using BytesECIMember = ByteArray (Result::*)() const;

static_assert(std::is_same_v<decltype(&ZXing::ReadBarcodes), ReadBarcodesFunction>);
static_assert(std::is_same_v<decltype(&Result::bytes), BytesMember>);
static_assert(std::is_same_v<decltype(&Result::hasECI), HasECIMember>);
static_assert(std::is_same_v<decltype(&Result::bytesECI), BytesECIMember>);

struct Table {
    ReadBarcodesFunction readBarcodes = nullptr;
    BytesMember bytes = nullptr;
    HasECIMember hasECI = nullptr;
    BytesECIMember bytesECI = nullptr;
    std::string error;
};

/// A pointer to a non-virtual member function from its code address (the Itanium C++ ABI's
/// representation: the address, then a this-adjustment of 0).
template <typename Member> Member member(void *address) {
    struct { void *function; std::ptrdiff_t adjustment; } raw = {address, 0};
    static_assert(sizeof(Member) == sizeof(raw));
    Member result;
    std::memcpy(&result, &raw, sizeof result);
    return result;
}

const Table &table() {
    static Table loaded;
    static std::once_flag once;
    std::call_once(once, [] {
        void *library = dlopen("libZXing.so.2", RTLD_LAZY | RTLD_LOCAL);
        if (!library) {
            const char *why = dlerror();
            loaded.error = std::string("libZXing.so.2 cannot be loaded (") + (why ? why : "not found") + ")";
            return;
        }
        auto find = [&](const char *symbol) -> void * {
            void *address = dlsym(library, symbol);
            if (!address && loaded.error.empty()) loaded.error = std::string("libZXing.so.2 lacks ") + symbol;
            return address;
        };
        void *read = find("_ZN5ZXing12ReadBarcodesERKNS_9ImageViewERKNS_11DecodeHintsE");
        void *bytes = find("_ZNK5ZXing6Result5bytesEv");
        void *hasECI = find("_ZNK5ZXing6Result6hasECIEv");
        void *bytesECI = find("_ZNK5ZXing6Result8bytesECIEv");
        if (!loaded.error.empty()) return;
        loaded.readBarcodes = reinterpret_cast<ReadBarcodesFunction>(read);
        loaded.bytes = member<BytesMember>(bytes);
        loaded.hasECI = member<HasECIMember>(hasECI);
        loaded.bytesECI = member<BytesECIMember>(bytesECI);
    });
    return loaded;
}

/// The content of `bytesECI` (ISO/IEC 15424's ECI protocol: `]Q1`-style symbology identifier, then
/// `\NNNNNN` before each segment of a new character set, a literal backslash doubled) as UTF-8.
/// Returns false when a segment cannot be converted.
bool decodeECI(const ByteArray &protocol, std::string &out) {
    size_t i = protocol.size() >= 3 && protocol[0] == ']' ? 3 : 0;
    std::string segment;
    int eci = 3;  // ISO 8859-1 until a designator says otherwise
    auto flush = [&]() -> bool {
        if (segment.empty()) return true;
        std::string charset;
        if (eci == 26 || eci == 27 || eci == 170) {
            out += segment;
            segment.clear();
            return true;
        }
        if (eci == 1 || eci == 3) charset = "ISO-8859-1";
        else if (eci == 0 || eci == 2) charset = "CP437";
        else if (eci >= 4 && eci <= 18 && eci != 14) charset = "ISO-8859-" + std::to_string(eci - 2);
        else if (eci == 20) charset = "SHIFT_JIS";
        else if (eci >= 21 && eci <= 24) charset = "CP" + std::to_string(1250 + eci - 21);
        else if (eci == 25) charset = "UTF-16BE";
        else if (eci == 28) charset = "BIG5";
        else if (eci == 29) charset = "GB18030";
        else if (eci == 30) charset = "EUC-KR";
        else return false;
        iconv_t cd = iconv_open("UTF-8", charset.c_str());
        if (cd == (iconv_t)-1) return false;
        std::string converted(segment.size() * 4 + 4, '\0');
        char *in = segment.data();
        size_t inLeft = segment.size();
        char *outPointer = converted.data();
        size_t outLeft = converted.size();
        size_t done = iconv(cd, &in, &inLeft, &outPointer, &outLeft);
        iconv_close(cd);
        if (done == (size_t)-1 || inLeft != 0) return false;
        out.append(converted.data(), converted.size() - outLeft);
        segment.clear();
        return true;
    };
    while (i < protocol.size()) {
        char c = static_cast<char>(protocol[i]);
        if (c == '\\' && i + 1 < protocol.size() && protocol[i + 1] == '\\') {
            segment += '\\';
            i += 2;
        } else if (c == '\\' && i + 7 <= protocol.size()) {
            if (!flush()) return false;
            eci = 0;
            for (size_t k = 1; k <= 6; k++) eci = eci * 10 + (protocol[i + k] - '0');
            i += 7;
        } else {
            segment += c;
            i += 1;
        }
    }
    return flush();
}

}  // namespace

extern "C" int authv_zxing_open(char *error, size_t error_size) {
    const Table &t = table();
    if (t.error.empty()) return 0;
    if (error && error_size) std::snprintf(error, error_size, "%s", t.error.c_str());
    return -1;
}

extern "C" int authv_zxing_read(const uint8_t *grey, int width, int height, authv_zxing_found found, void *context) {
    const Table &t = table();
    if (!t.readBarcodes || !grey || width <= 0 || height <= 0) return 0;
    ImageView image(grey, width, height, ImageFormat::Lum);
    DecodeHints hints;
    hints.setFormats(BarcodeFormat::QRCode);
    Results results = t.readBarcodes(image, hints);
    int count = 0;
    for (const Result &result : results) {
        if (!result.isValid()) continue;
        const auto &position = result.position();
        int x = position[0].x, y = position[0].y;
        for (const auto &corner : position) { x = std::min(x, corner.x); y = std::min(y, corner.y); }
        if ((result.*t.hasECI)()) {
            std::string text;
            if (!decodeECI((result.*t.bytesECI)(), text)) continue;
            found(context, reinterpret_cast<const uint8_t *>(text.data()), text.size(), x, y);
        } else {
            const ByteArray &bytes = (result.*t.bytes)();
            found(context, bytes.data(), bytes.size(), x, y);
        }
        count++;
    }
    return count;
}
