/* SPDX-License-Identifier: MIT */
/* The line configuration options of get, set, mon and count. */
#include "options.h"
#include "pin_options.h"

int pin_option(const char *cmd, int opt, const char *arg,
	       struct pinwatch_pin_config *cfg)
{
	switch (opt) {
	case 'l':
		cfg->active_low = 1;
		return 0;
	case 'B':
		cfg->bias = parse_bias(arg);
		if (cfg->bias < 0)
			return usage_error(cmd, "bad bias '%s': as-is, disabled, pull-up or pull-down", arg);
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}
