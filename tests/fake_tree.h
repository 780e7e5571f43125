/* SPDX-License-Identifier: MIT */
/*
 * Fake kernel trees in temporary directories, for the backend suites that
 * run without the kernel's interface (test-sysfs: /sys/class/gpio;
 * test-counter: /sys/bus/counter).  Paths given as REL are relative to
 * root, the running test's fake tree; a failure to build the tree fails
 * the test.
 */
#ifndef PINWATCH_TESTS_FAKE_TREE_H
#define PINWATCH_TESTS_FAKE_TREE_H

#include <sys/types.h>

/* Made by the suite's main(), removed after the run; one root per test
 * below it. */
extern char base_dir[128];
/* This test's fake tree (new_root). */
extern char root[256];

/* A fresh, empty root below base_dir. */
void new_root(void);
/* Create or replace a file with TEXT and permissions MODE. */
void put(const char *rel, const char *text, mode_t mode);
/* The contents of a file of the tree without its newline ("(missing)" if
 * there is no such file). */
const char *get(const char *rel);
/* 1 if the entry exists (a link is not followed). */
int exists(const char *rel);
/* mkdir -p. */
void mkdir_p(const char *rel);
/* A symbolic link at REL to TARGET. */
void link_to(const char *rel, const char *target);
/* rm -rf of an absolute path (no link is followed). */
void rm_tree(const char *path);

#endif
