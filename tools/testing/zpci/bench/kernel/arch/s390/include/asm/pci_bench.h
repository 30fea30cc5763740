/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bench only (the counting patch of make bench, never part of the
 * series): counters of the zPCI instructions the guest issues.
 */
#ifndef _ASM_S390_PCI_BENCH_H
#define _ASM_S390_PCI_BENCH_H

#include <linux/atomic.h>
#include <linux/types.h>

enum zpci_bench_counter {
	ZPCI_BENCH_CLP,			/* every CLP request, by command: */
	ZPCI_BENCH_CLP_LIST,		/*   list PCI functions */
	ZPCI_BENCH_CLP_QUERY_FN,	/*   query PCI function */
	ZPCI_BENCH_CLP_QUERY_GRP,	/*   query PCI function group */
	ZPCI_BENCH_CLP_SET_FN,		/*   set PCI function (enable/disable) */
	ZPCI_BENCH_CLP_SLPC,		/*   store logical-processor characteristics */
	ZPCI_BENCH_CLP_OTHER,		/*   any other command */
	ZPCI_BENCH_CLP_ILP,		/* CLP query installed logical processors */
	ZPCI_BENCH_MPCIFC,		/* MODIFY PCI FUNCTION CONTROLS */
	ZPCI_BENCH_RPCIT,		/* REFRESH PCI TRANSLATIONS */
	ZPCI_BENCH_SIC,			/* SET INTERRUPTION CONTROLS */
	ZPCI_BENCH_PCILG,		/* PCI LOAD */
	ZPCI_BENCH_PCISTG,		/* PCI STORE */
	ZPCI_BENCH_PCISTB,		/* PCI STORE BLOCK */
	ZPCI_BENCH_DMA_PAIRS,		/* dma_map_benchmark map/unmap pairs */
	ZPCI_BENCH_IOVA_FAILS,		/* IOVA allocations of a mapping that failed */
	ZPCI_BENCH_IOVA_FAIL_RPCIT,	/*   RPCITs issued while they were tried */
	ZPCI_BENCH_NR,
};

extern atomic64_t zpci_bench_counters[ZPCI_BENCH_NR];

static inline void zpci_bench_count(enum zpci_bench_counter c)
{
	atomic64_inc(&zpci_bench_counters[c]);
}

static inline s64 zpci_bench_read(enum zpci_bench_counter c)
{
	return atomic64_read(&zpci_bench_counters[c]);
}

/*
 * Count an IOVA allocation that failed, and the RPCITs issued since the
 * RPCIT counter read @rpcit, when the allocation started.
 */
static inline void zpci_bench_count_iova_fail(s64 rpcit)
{
	zpci_bench_count(ZPCI_BENCH_IOVA_FAILS);
	atomic64_add(zpci_bench_read(ZPCI_BENCH_RPCIT) - rpcit,
		     &zpci_bench_counters[ZPCI_BENCH_IOVA_FAIL_RPCIT]);
}

void zpci_bench_count_clp(u16 cmd);

#endif /* _ASM_S390_PCI_BENCH_H */
