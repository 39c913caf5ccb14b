/* Prints every record of a SLOW5/BLOW5 file as SLOW5 text, decoded by the slow5lib it is linked with. */
#include <stdio.h>
#include <stdlib.h>
#include <slow5/slow5.h>
int main(int argc, char **argv) {
    slow5_file_t *sp = slow5_open(argv[1], "r");
    if (!sp) { fprintf(stderr, "open failed\n"); return 1; }
    slow5_rec_t *rec = NULL; int ret; long n = 0;
    while ((ret = slow5_get_next(&rec, sp)) >= 0) {
        size_t len; char *mem = slow5_rec_to_mem(rec, sp->header->aux_meta, SLOW5_FORMAT_ASCII, NULL, &len);
        fwrite(mem, 1, len, stdout); free(mem); n++;
    }
    fprintf(stderr, "records %ld ret %d\n", n, ret);
    slow5_rec_free(rec); slow5_close(sp); return ret == SLOW5_ERR_EOF ? 0 : 2;
}
