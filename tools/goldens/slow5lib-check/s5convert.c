/* Rewrites a SLOW5/BLOW5 file as BLOW5 with the given record and signal compression, through the
 * slow5lib it is linked with (slow5_convert). Usage: s5convert IN OUT none|zlib|zstd none|svb-zd */
#include <stdio.h>
#include <string.h>
#include <slow5/slow5.h>
static enum slow5_press_method method(const char *name) {
    if (strcmp(name, "zlib") == 0) return SLOW5_COMPRESS_ZLIB;
    if (strcmp(name, "zstd") == 0) return SLOW5_COMPRESS_ZSTD;
    if (strcmp(name, "svb-zd") == 0) return SLOW5_COMPRESS_SVB_ZD;
    return SLOW5_COMPRESS_NONE;
}
int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: s5convert IN OUT RECORD SIGNAL\n"); return 2; }
    slow5_file_t *in = slow5_open(argv[1], "r");
    FILE *out = fopen(argv[2], "w");
    if (!in || !out) { fprintf(stderr, "cannot open\n"); return 1; }
    slow5_press_method_t press = { method(argv[3]), method(argv[4]) };
    int ret = slow5_convert(in, out, SLOW5_FORMAT_BINARY, press);
    fclose(out);
    slow5_close(in);
    return ret == 0 ? 0 : 1;
}
