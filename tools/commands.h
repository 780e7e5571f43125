/* SPDX-License-Identifier: MIT */
/* The commands of the pinwatch tool: each returns the exit status. */
#ifndef PINWATCH_TOOL_COMMANDS_H
#define PINWATCH_TOOL_COMMANDS_H

#include "util.h"

int cmd_detect(struct tool_ctx *ctx);
int cmd_info(struct tool_ctx *ctx);
int cmd_get(struct tool_ctx *ctx);
int cmd_set(struct tool_ctx *ctx);
int cmd_mon(struct tool_ctx *ctx);
int cmd_count(struct tool_ctx *ctx);
int cmd_notify(struct tool_ctx *ctx);   /* cmd_notify.c: line-info changes */

#endif
