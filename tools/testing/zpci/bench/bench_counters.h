/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The zPCI instruction counters of the bench kernels (debugfs
 * zpci_bench/counters, added by count-intercepts.patch to both the stock
 * and the zpci-clp kernel): read them all, print the difference of two
 * readings.
 */
#ifndef BENCH_COUNTERS_H
#define BENCH_COUNTERS_H

#include <stdio.h>
#include <string.h>

#define BENCH_COUNTERS	"/sys/kernel/debug/zpci_bench/counters"
#define BENCH_NCOUNTERS	32

struct bench_counters {
	int n;
	char name[BENCH_NCOUNTERS][32];
	long long val[BENCH_NCOUNTERS];
};

/* Returns 0, or -1 when the kernel has no counters (n is then 0). */
static inline int bench_counters_read(struct bench_counters *c)
{
	FILE *f = fopen(BENCH_COUNTERS, "r");

	c->n = 0;
	if (!f)
		return -1;
	while (c->n < BENCH_NCOUNTERS &&
	       fscanf(f, "%31s %lld", c->name[c->n], &c->val[c->n]) == 2)
		c->n++;
	fclose(f);
	return 0;
}

/* Print " name=delta" for every counter that moved, to @out. */
static inline void bench_counters_delta(FILE *out,
					const struct bench_counters *before,
					const struct bench_counters *after)
{
	int i;

	for (i = 0; i < after->n && i < before->n; i++) {
		if (strcmp(before->name[i], after->name[i]))
			continue;
		fprintf(out, " %s=%lld", after->name[i],
			after->val[i] - before->val[i]);
	}
}

#endif /* BENCH_COUNTERS_H */
