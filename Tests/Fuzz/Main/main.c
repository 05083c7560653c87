// The fuzzing binary's C entry points. With libFuzzer (scripts/fuzz builds with -sanitize=fuzzer and
// defines AUTHV_LIBFUZZER) libFuzzer's own main drives LLVMFuzzerTestOneInput; otherwise this main replays
// the files it is given through the same target, so a crash found once stays a regression test.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int authv_fuzz_one(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (authv_fuzz_one(data, (long)size) != 0) {
        fprintf(stderr, "authv-fuzz: AUTHV_FUZZ_TARGET names no target\n");
        abort();
    }
    return 0;
}

#ifndef AUTHV_LIBFUZZER
int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: AUTHV_FUZZ_TARGET=NAME authv-fuzz FILE...\n");
        return 64;
    }
    for (int i = 1; i < argc; i++) {
        FILE *file = fopen(argv[i], "rb");
        if (!file) { perror(argv[i]); return 1; }
        static uint8_t buffer[1 << 22];
        size_t size = fread(buffer, 1, sizeof buffer, file);
        fclose(file);
        if (authv_fuzz_one(buffer, (long)size) != 0) {
            fprintf(stderr, "authv-fuzz: AUTHV_FUZZ_TARGET names no target\n");
            return 64;
        }
    }
    return 0;
}
#endif
