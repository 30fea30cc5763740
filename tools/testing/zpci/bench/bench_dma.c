// SPDX-License-Identifier: GPL-2.0
/*
 * bench_dma: dma_map_benchmark map and unmap latency through the zPCI
 * IOMMU, for make bench.  Binds the function to dma_map_benchmark through
 * driver_override (as the dma_map_sweep selftest does), runs one benchmark
 * per thread count and granule with a 64-bit DMA mask, and prints one line
 * per run:
 *
 *   @@BENCH dma threads=T granule=G status=ok|ERRNO map_100ns=N
 *	unmap_100ns=N map_sd=N unmap_sd=N [counter=delta ...]
 *
 * The counter deltas (count-intercepts.patch) include dma_map_pairs, the
 * map/unmap pairs the run made, and rpcit, the RPCITs they cost.  A failed
 * run is printed with its errno name and the next run goes on.
 *
 * Environment:
 *   ZPCI_BENCH_DMA_FID      function to bind (hex)
 *   ZPCI_BENCH_DMA_THREADS  thread counts (default "1 2")
 *   ZPCI_BENCH_DMA_GRANULES granules in pages (default "1 8 16 64 256 1024")
 *   ZPCI_BENCH_DMA_SECONDS  seconds per run (default 1)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/types.h>

#include "map_benchmark.h"
#include "zpci_sysfs.h"
#include "bench_counters.h"

#define BENCH_DEBUGFS	"/sys/kernel/debug/dma_map_benchmark"
#define BENCH_DRIVER	"dma_map_benchmark"

static const char *errno_name(int err)
{
	switch (err) {
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EIO: return "EIO";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case ENODEV: return "ENODEV";
	default: return "error";
	}
}

static int run(int fd, unsigned int threads, unsigned int granule,
	       unsigned int seconds)
{
	struct bench_counters before, after;
	struct map_benchmark mb;
	int err;

	memset(&mb, 0, sizeof(mb));
	mb.threads = threads;
	mb.seconds = seconds;
	mb.node = -1;
	mb.dma_bits = 64;
	mb.dma_dir = DMA_MAP_BIDIRECTIONAL;
	mb.granule = granule;
	bench_counters_read(&before);
	err = ioctl(fd, DMA_MAP_BENCHMARK, &mb) ? errno : 0;
	bench_counters_read(&after);
	printf("@@BENCH dma threads=%u granule=%u status=%s", threads, granule,
	       err ? errno_name(err) : "ok");
	if (!err)
		printf(" map_100ns=%llu unmap_100ns=%llu map_sd=%llu unmap_sd=%llu",
		       (unsigned long long)mb.avg_map_100ns,
		       (unsigned long long)mb.avg_unmap_100ns,
		       (unsigned long long)mb.map_stddev,
		       (unsigned long long)mb.unmap_stddev);
	else
		printf(" errno=%d", err);
	bench_counters_delta(stdout, &before, &after);
	printf("\n");
	fflush(stdout);
	return err;
}

int main(void)
{
	const char *fid = getenv("ZPCI_BENCH_DMA_FID");
	char *threads = strdup(getenv("ZPCI_BENCH_DMA_THREADS") ?: "1 2");
	const char *granules = getenv("ZPCI_BENCH_DMA_GRANULES") ?:
			       "1 8 16 64 256 1024";
	unsigned int seconds = atoi(getenv("ZPCI_BENCH_DMA_SECONDS") ?: "1");
	char bdf[256], *t, *gl, *g, *save_t, *save_g;
	int fd, rc;

	if (!fid || !threads) {
		fprintf(stderr, "bench_dma: ZPCI_BENCH_DMA_FID not set\n");
		return 1;
	}
	rc = zpci_find_by_fid(strtoull(fid, NULL, 16), bdf, sizeof(bdf));
	if (rc) {
		fprintf(stderr, "bench_dma: no function with fid %s\n", fid);
		return 1;
	}
	rc = zpci_bind_override(bdf, BENCH_DRIVER);
	if (rc) {
		fprintf(stderr, "bench_dma: binding %s to %s: %s\n", bdf,
			BENCH_DRIVER, strerror(-rc));
		return 1;
	}
	fd = open(BENCH_DEBUGFS, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "bench_dma: %s: %s\n", BENCH_DEBUGFS,
			strerror(errno));
		zpci_unbind_override(bdf, true);
		return 1;
	}
	for (t = strtok_r(threads, " ", &save_t); t;
	     t = strtok_r(NULL, " ", &save_t)) {
		gl = strdup(granules);
		for (g = strtok_r(gl, " ", &save_g); g;
		     g = strtok_r(NULL, " ", &save_g))
			run(fd, atoi(t), atoi(g), seconds);
		free(gl);
	}
	close(fd);
	zpci_unbind_override(bdf, true);
	free(threads);
	return 0;
}
