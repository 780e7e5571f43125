/* SPDX-License-Identifier: MIT */
/* Prints this process's open descriptors as " 0 1 2 ... " (for the test
 * that no pinwatch descriptor crosses an exec). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return 1;
	printf(" ");
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf("%s ", e->d_name);
	printf("\n");
	closedir(d);
	return 0;
}
