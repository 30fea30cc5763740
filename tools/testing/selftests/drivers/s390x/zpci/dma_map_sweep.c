// SPDX-License-Identifier: GPL-2.0
/*
 * DMA mapping through the zPCI IOMMU, driven by the kernel's
 * dma_map_benchmark driver (CONFIG_DMA_MAP_BENCHMARK): a zPCI function is
 * bound to it through driver_override, then single mappings of 1, 2, 4,
 * ... 1024 pages are made and unmade by 1..4 threads, once with a 64-bit
 * DMA mask and once with the narrowest mask that covers the function's DMA
 * aperture (sysfs clp/dma_start..clp/dma_end).  Every run must succeed.  A mask
 * that ends below the aperture can never be served: setting it must fail
 * (dma_set_mask() returns -EIO, which dma_map_benchmark reports as EINVAL),
 * not succeed and then fail every mapping (ENOMEM); the kernel says so once.
 *
 * The function: ZPCI_DMA_FID, else the first zPCI function no driver
 * claims (nothing uses it; it is left without a driver); without either
 * the test skips.
 *
 * Environment (optional):
 *   ZPCI_DMA_FID          function to bind to dma_map_benchmark (hex)
 *   ZPCI_DMA_SECONDS      seconds per run (default 1)
 *   ZPCI_DMA_MAX_THREADS  largest thread count of the sweep (default 4)
 *   ZPCI_DMA_MAX_GRANULE  largest granule in pages (default 1024)
 *   ZPCI_DMA_START, ZPCI_DMA_END  the aperture, for a kernel without the
 *                        clp/ sysfs report
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <linux/types.h>

#include "../../../kselftest_harness.h"
#include "../../../../../../include/linux/map_benchmark.h"
#include "zpci_sysfs.h"

#define BENCH_DEBUGFS	"/sys/kernel/debug/dma_map_benchmark"
#define BENCH_DRIVER	"dma_map_benchmark"
/* syslog(2) actions (include/linux/syslog.h), not in the UAPI headers */
#define KLOG_READ_ALL		3
#define KLOG_SIZE_BUFFER	10

/* Bits of the narrowest DMA mask that reaches @addr. */
static unsigned int mask_bits(unsigned long long addr)
{
	unsigned int bits = 1;

	while (bits < 64 && (addr >> bits))
		bits++;
	return bits;
}

FIXTURE(dma)
{
	char bdf[256];
	bool free;		/* taken without a driver: left so */
	unsigned long long start_dma, end_dma;
	unsigned int seconds, max_threads, max_granule;
	int fd;
};

FIXTURE_SETUP(dma)
{
	const char *fid = getenv("ZPCI_DMA_FID");
	char bdf[256];

	self->fd = -1;
	if (fid)
		ASSERT_EQ(0, zpci_find_by_fid(strtoull(fid, NULL, 16), bdf, sizeof(bdf)));
	if (!fid && zpci_find_free(0, bdf, sizeof(bdf)))
		SKIP(return, "every zPCI function has a driver: name one with ZPCI_DMA_FID");
	self->free = !fid;
	if (zpci_read_ulong(bdf, "clp/dma_start", &self->start_dma) ||
	    zpci_read_ulong(bdf, "clp/dma_end", &self->end_dma)) {
		/* a kernel without the report: the environment tells */
		if (!getenv("ZPCI_DMA_START") || !getenv("ZPCI_DMA_END"))
			SKIP(return,
			     "%s: no clp/dma_start, clp/dma_end: set ZPCI_DMA_START and ZPCI_DMA_END",
			     bdf);
		self->start_dma = strtoull(getenv("ZPCI_DMA_START"), NULL, 0);
		self->end_dma = strtoull(getenv("ZPCI_DMA_END"), NULL, 0);
	}
	self->seconds = atoi(getenv("ZPCI_DMA_SECONDS") ?: "1");
	self->max_threads = atoi(getenv("ZPCI_DMA_MAX_THREADS") ?: "4");
	self->max_granule = atoi(getenv("ZPCI_DMA_MAX_GRANULE") ?: "1024");

	/*
	 * The harness runs the teardown, which gives the function back, only
	 * after a setup that finished: a failure past the binding gives it
	 * back itself.  The benchmark's debugfs file exists while it is bound.
	 */
	ASSERT_EQ(0, zpci_bind_override(bdf, BENCH_DRIVER));
	self->fd = open(BENCH_DEBUGFS, O_RDWR);
	if (self->fd < 0) {
		int err = errno;

		zpci_unbind_override(bdf, !self->free);
		ASSERT_LE(0, self->fd) TH_LOG("%s: %s", BENCH_DEBUGFS, strerror(err));
	}
	snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);
	TH_LOG("function %s, aperture 0x%llx-0x%llx", self->bdf,
	       self->start_dma, self->end_dma);
}

FIXTURE_TEARDOWN(dma)
{
	if (self->fd >= 0)
		close(self->fd);
	if (!self->bdf[0])
		return;
	/* Back to the function's own driver. */
	zpci_unbind_override(self->bdf, !self->free);
}

/* One benchmark run; returns 0 or the errno of the ioctl. */
static int bench(FIXTURE_DATA(dma) *self, unsigned int bits,
		 unsigned int granule, unsigned int threads,
		 struct map_benchmark *mb)
{
	memset(mb, 0, sizeof(*mb));
	mb->threads = threads;
	mb->seconds = self->seconds;
	mb->node = -1;
	mb->dma_bits = bits;
	mb->dma_dir = DMA_MAP_BIDIRECTIONAL;
	mb->granule = granule;
	return ioctl(self->fd, DMA_MAP_BENCHMARK, mb) ? errno : 0;
}

static void sweep(struct __test_metadata *_metadata, FIXTURE_DATA(dma) *self,
		  unsigned int bits)
{
	unsigned int granule, threads, runs = 0, failed = 0;
	struct map_benchmark mb;
	int err;

	for (threads = 1; threads <= self->max_threads; threads++) {
		for (granule = 1; granule <= self->max_granule; granule *= 2) {
			err = bench(self, bits, granule, threads, &mb);
			runs++;
			if (err) {
				failed++;
				TH_LOG("%u-bit mask, granule %u, %u threads: %s",
				       bits, granule, threads, strerror(err));
				continue;
			}
			if (threads == 1)
				TH_LOG("%u-bit, granule %4u: map %llu.%llu us, unmap %llu.%llu us",
				       bits, granule, mb.avg_map_100ns / 10,
				       mb.avg_map_100ns % 10, mb.avg_unmap_100ns / 10,
				       mb.avg_unmap_100ns % 10);
		}
	}
	TH_LOG("%u-bit mask: %u runs, %u failed", bits, runs, failed);
	EXPECT_EQ(0, failed);
}

TEST_F_TIMEOUT(dma, sweep_64bit, 1200)
{
	sweep(_metadata, self, 64);
}

TEST_F_TIMEOUT(dma, sweep_narrowest_mask, 1200)
{
	unsigned int bits = mask_bits(self->end_dma);

	if (bits == 64)
		SKIP(return, "the aperture needs a 64-bit mask");
	sweep(_metadata, self, bits);
}

/* Kernel log lines that hold both @a and @b; -1 if the log cannot be read. */
static int klog_count(const char *a, const char *b)
{
	int len = klogctl(KLOG_SIZE_BUFFER, NULL, 0);
	char *buf, *line, *save;
	int n = 0;

	if (len <= 0)
		return -1;
	buf = calloc(1, len + 1);
	if (!buf)
		return -1;
	len = klogctl(KLOG_READ_ALL, buf, len);
	if (len < 0) {
		free(buf);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		n += strstr(line, a) && strstr(line, b);
	free(buf);
	return n;
}

/*
 * A mask that ends below the aperture is refused when it is set, every
 * time; the kernel says so once for the device's DMA domain, not at every
 * attempt (a function plugged again has a new domain, which says it again).
 */
TEST_F(dma, mask_below_aperture_refused)
{
	struct map_benchmark mb;
	int err, i, before, msgs;
	unsigned int bits;

	if (self->start_dma < 2)
		SKIP(return, "the aperture starts at 0x%llx: every mask reaches it",
		     self->start_dma);
	bits = mask_bits(self->start_dma) - 1;
	before = klog_count(self->bdf, "ends below the");
	for (i = 0; i < 3; i++) {
		err = bench(self, bits, 1, 1, &mb);
		TH_LOG("%u-bit mask (aperture starts at 0x%llx): %s", bits,
		       self->start_dma, err ? strerror(err) : "accepted");
		EXPECT_EQ(EINVAL, err);
	}
	msgs = klog_count(self->bdf, "ends below the");
	ASSERT_LE(0, before) TH_LOG("kernel log: %s", strerror(errno));
	ASSERT_LE(0, msgs) TH_LOG("kernel log: %s", strerror(errno));
	/* said once: now or by an earlier refusal for the same domain */
	EXPECT_LE(1, msgs) TH_LOG("no message about the refused mask");
	EXPECT_GE(1, msgs - before)
		TH_LOG("%d messages about the refused mask for 3 attempts", msgs - before);
}

#define PCI_DBF	"/sys/kernel/debug/s390dbf/pci_msg/sprintf"

/*
 * Whether the s390dbf trace pci_msg has the "frame fid:<fid>," line the
 * IOMMU writes when a domain of the function maps its first 1 MiB frame;
 * -1 if the trace cannot be read.
 */
static int frame_traced(unsigned long long fid)
{
	char line[256], key[64];
	int found = 0;
	FILE *f;

	f = fopen(PCI_DBF, "r");
	if (!f)
		return -1;
	snprintf(key, sizeof(key), "frame fid:%llx,", fid);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, key))
			found = 1;
	fclose(f);
	return found;
}

/*
 * 1 MiB mappings (granule 256 pages: physically and IOVA-aligned buffers)
 * use 1 MiB frames exactly when the function's group offers them
 * (clp/frame in effect), 4 KiB pages otherwise.
 */
TEST_F(dma, large_frames)
{
	unsigned long long frame, fid;
	struct map_benchmark mb;
	int err, traced;

	if (zpci_read_ulong(self->bdf, "clp/frame", &frame))
		SKIP(return, "no clp/frame: kernel without the CLP report");
	ASSERT_EQ(0, zpci_read_ulong(self->bdf, "function_id", &fid));
	err = bench(self, 64, 256, 1, &mb);
	ASSERT_EQ(0, err) TH_LOG("granule 256: %s", strerror(err));
	traced = frame_traced(fid);
	ASSERT_LE(0, traced) TH_LOG("%s: %s", PCI_DBF, strerror(errno));
	TH_LOG("fid 0x%llx, frame %llu: 1 MiB frames %s", fid, frame,
	       traced ? "mapped" : "never mapped");
	EXPECT_EQ(!!frame, traced);
}

TEST_HARNESS_MAIN
