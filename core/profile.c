/* SPDX-License-Identifier: MIT */
/* Board profiles: banks, line names and header names of known boards. */
#include <string.h>

#include "internal.h"

/* Acme Systems Aria G25 (Atmel AT91SAM9G25): four PIO controllers. */
static const struct pw_profile_bank aria_banks[] = {
	{ "pioA", 32, "PA" },
	{ "pioB", 19, "PB" },
	{ "pioC", 32, "PC" },
	{ "pioD", 22, "PD" },
};

enum { A, B, C };

/* The header names of the original Go library's table. */
static const struct pw_profile_header aria_headers[] = {
	{ "N2", C, 0 }, { "N3", C, 1 }, { "N4", C, 2 }, { "N5", C, 3 },
	{ "N6", C, 4 }, { "N7", C, 5 }, { "N8", C, 6 }, { "N9", C, 7 },
	{ "N10", C, 8 }, { "N11", C, 9 }, { "N12", C, 10 }, { "N13", C, 11 },
	{ "N14", C, 12 }, { "N15", C, 13 }, { "N16", C, 14 }, { "N17", C, 15 },
	{ "N18", C, 16 }, { "N19", C, 17 }, { "N20", C, 18 }, { "N21", C, 19 },
	{ "N22", C, 20 }, { "N23", C, 21 },
	{ "E2", C, 22 }, { "E3", C, 23 }, { "E4", C, 24 }, { "E5", C, 25 },
	{ "E6", C, 26 }, { "E7", C, 27 }, { "E8", C, 28 }, { "E9", C, 29 },
	{ "E10", C, 30 }, { "E11", C, 31 },
	{ "S2", A, 21 },
	{ "S9", A, 14 }, { "S10", A, 13 }, { "S11", A, 12 }, { "S12", A, 11 },
	{ "S15", A, 8 }, { "S16", A, 7 }, { "S17", A, 6 }, { "S18", A, 5 },
	{ "S20", A, 3 }, { "S21", A, 2 }, { "S22", A, 1 }, { "S23", A, 0 },
	{ "W9", A, 22 }, { "W10", A, 23 }, { "W11", A, 24 }, { "W12", A, 25 },
	{ "W13", A, 26 }, { "W14", A, 27 }, { "W15", A, 28 }, { "W16", A, 29 },
	{ "W17", A, 30 }, { "W18", A, 31 },
	{ "W20", B, 11 }, { "W21", B, 12 }, { "W22", B, 13 }, { "W23", B, 14 },
};

static const struct pw_profile profiles[] = {
	{
		.name = "aria-g25",
		.banks = aria_banks,
		.num_banks = PW_ARRAY_SIZE(aria_banks),
		.headers = aria_headers,
		.num_headers = PW_ARRAY_SIZE(aria_headers),
		/* kernels >= 3.x number PIO lines bank*32+line (2.6: +32) */
		.legacy_stride = 32,
	},
};

const struct pw_profile *pw_profile_find(const char *name)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(profiles); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

const char *pw_profile_names(void)
{
	return "aria-g25";
}
