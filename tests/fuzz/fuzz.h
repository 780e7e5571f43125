/* SPDX-License-Identifier: MIT */
/*
 * The fuzz targets' shared parts (tests/fuzz/README.md).  Each target is a
 * libFuzzer entry point; built without libFuzzer, replay.c's main() feeds it
 * the files of a corpus instead (make check).
 */
#ifndef PINWATCH_FUZZ_H
#define PINWATCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DATA as a NUL-terminated string (embedded NULs end it); free() it. */
char *fuzz_string(const uint8_t *data, size_t size);

/* A fresh private directory for this process's fake trees (removed at
 * exit), and helpers to fill and empty one. */
const char *fuzz_scratch_dir(void);
int fuzz_put(const char *dir, const char *rel, const char *text, size_t len);
void fuzz_rm_tree(const char *dir);

#endif
